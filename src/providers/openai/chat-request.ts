/**
 * Client side, `POST /v1/chat/completions`: the request body (attacker-controlled) validated once and
 * parsed into the canonical ChatRequest. Limits bound the work a single request can cause; they sit well
 * above what OpenAI itself accepts where OpenAI documents a limit (128 tools, 4 stop sequences).
 */
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice, ToolDef } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import { imageFromUrl, MAX_PARTS, taggedPart } from './content.js';
import { collectExtra, toInvalidRequest } from './validation.js';

export const MAX_MESSAGES = 10_000;
export const MAX_TOOLS = 128;
const MAX_TOOL_CALLS = 1_000;
const MAX_STOP = 4;
const MAX_LOGIT_BIAS = 1_024;

const text = z.object({ type: z.literal('text'), text: z.string() });
const imageUrl = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
});
const part = taggedPart({ text, image_url: imageUrl });
const content = z.union([z.string(), z.array(part).max(MAX_PARTS)]);
/** Slots where OpenAI accepts text parts only (system, developer, tool). */
const textContent = z.union([z.string(), z.array(text).max(MAX_PARTS)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
const legacyCall = z.object({ name: z.string().min(1), arguments: z.string() });
const name = z.string().max(256).optional();

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name }),
  z.object({ role: z.literal('developer'), content: textContent, name }),
  z.object({ role: z.literal('user'), content, name }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullish(),
    name,
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).max(MAX_TOOL_CALLS).nullish(),
    function_call: legacyCall.nullish(),
  }),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
  z.object({ role: z.literal('function'), content: z.string().nullable(), name: z.string().min(1) }),
]);

const functionDef = z.object({
  name: z.string().min(1).max(256),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().nullish(),
});
const tool = z.object({ type: z.literal('function'), function: functionDef });
const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);
const legacyFunctionCall = z.union([z.enum(['auto', 'none']), z.object({ name: z.string().min(1) })]);

const body = z.looseObject({
  model: z.string().min(1).max(256),
  messages: z.array(message).min(1).max(MAX_MESSAGES),
  tools: z.array(tool).max(MAX_TOOLS).nullish(),
  tool_choice: toolChoice.nullish(),
  functions: z.array(functionDef).max(MAX_TOOLS).nullish(),
  function_call: legacyFunctionCall.nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(MAX_STOP)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  logit_bias: z
    .record(z.string(), z.number().min(-100).max(100))
    .refine((b) => Object.keys(b).length <= MAX_LOGIT_BIAS, `at most ${MAX_LOGIT_BIAS} entries`)
    .nullish(),
  user: z.string().max(512).nullish(),
});

type Body = z.infer<typeof body>;
type Message = Body['messages'][number];
type Part = { type: string } & Record<string, unknown>;

const KNOWN = new Set(Object.keys(body.shape));

function toPart(p: Part): ContentPart {
  if (p.type === 'text') return { type: 'text', text: p.text as string };
  if (p.type === 'image_url') return imageFromUrl((p.image_url as { url: string }).url);
  return { type: 'opaque', dialect: 'openai', value: p };
}

function toContent(c: string | readonly Part[] | null | undefined): ContentPart[] {
  if (c === null || c === undefined) return [];
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  return c.map(toPart);
}

function systemText(c: string | readonly { text: string }[]): string {
  return typeof c === 'string' ? c : c.map((p) => p.text).join('');
}

/** Legacy `function_call`s carry no id; a stable one lets the matching `function` message refer to it. */
function legacyId(fn: string): string {
  return `call_legacy_${fn}`;
}

function toMessage(m: Exclude<Message, { role: 'system' | 'developer' }>): ChatMessage {
  switch (m.role) {
    case 'user': {
      const out: ChatMessage = { role: 'user', content: toContent(m.content) };
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case 'assistant': {
      const out: ChatMessage = { role: 'assistant', content: toContent(m.content) };
      if (m.refusal)
        out.content.push({ type: 'opaque', dialect: 'openai', value: { type: 'refusal', refusal: m.refusal } });
      const calls: ToolCall[] = (m.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      }));
      if (m.function_call) {
        const fc = m.function_call;
        calls.push({ id: legacyId(fc.name), name: fc.name, arguments: fc.arguments });
      }
      if (calls.length > 0) out.toolCalls = calls;
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case 'tool':
      return { role: 'tool', content: toContent(m.content), toolCallId: m.tool_call_id };
    case 'function':
      return { role: 'tool', content: toContent(m.content), toolCallId: legacyId(m.name), name: m.name };
  }
}

function toToolDef(f: z.infer<typeof functionDef>): ToolDef {
  const def: ToolDef = { name: f.name, parameters: f.parameters ?? { type: 'object', properties: {} } };
  if (f.description !== undefined) def.description = f.description;
  if (f.strict != null) def.strict = f.strict;
  return def;
}

function toToolChoice(b: Body): ToolChoice | undefined {
  const c = b.tool_choice;
  if (c !== null && c !== undefined) return typeof c === 'string' ? c : { name: c.function.name };
  const legacy = b.function_call;
  if (legacy !== null && legacy !== undefined) return typeof legacy === 'string' ? legacy : { name: legacy.name };
  return undefined;
}

/** Parses and validates a Chat Completions request body. Throws PCX_INVALID_REQUEST naming the field. */
export function parseChatCompletionsRequest(input: unknown): ChatRequest {
  const r = body.safeParse(input);
  if (!r.success) throw toInvalidRequest(r.error);
  const b = r.data;

  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const m of b.messages) {
    if (m.role === 'system' || m.role === 'developer') system.push(systemText(m.content));
    else messages.push(toMessage(m));
  }

  const req: ChatRequest = {
    model: b.model,
    system,
    messages,
    stream: b.stream ?? false,
    extra: collectExtra(input as Record<string, unknown>, KNOWN),
    extraDialect: 'openai',
  };
  const tools = b.tools ?? b.functions?.map((f) => ({ type: 'function' as const, function: f }));
  if (tools && tools.length > 0) req.tools = tools.map((t) => toToolDef(t.function));
  const choice = toToolChoice(b);
  if (choice !== undefined) req.toolChoice = choice;
  // Both caps given: honour the tighter one, so neither can be used to slip past the other.
  const caps = [b.max_tokens, b.max_completion_tokens].filter((v): v is number => typeof v === 'number');
  if (caps.length > 0) req.maxTokens = Math.min(...caps);
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  if (b.stop != null) req.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  if (b.stream_options?.include_usage !== undefined) req.streamUsage = b.stream_options.include_usage;
  if (b.n != null) req.n = b.n;
  if (b.logprobs != null) req.logprobs = b.logprobs;
  if (b.top_logprobs != null) req.topLogprobs = b.top_logprobs;
  if (b.logit_bias != null) req.logitBias = b.logit_bias;
  if (b.user != null) req.user = b.user;
  if (req.stream === false && b.stream_options != null) {
    throw new PortcullisError('PCX_INVALID_REQUEST', 'stream_options: only allowed when stream is true', {
      param: 'stream_options',
    });
  }
  return req;
}
