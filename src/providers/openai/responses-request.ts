/**
 * Client side, `POST /v1/responses`: the Responses API request parsed into the canonical ChatRequest.
 * The gateway is stateless, so features that need OpenAI to remember earlier responses
 * (`previous_response_id`, `conversation`, stored prompts, background runs) are refused, not ignored.
 * Responses-only options with a Chat Completions equivalent are translated into `extra` under their
 * Chat Completions names, because the upstream adapter speaks Chat Completions.
 */
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, ToolChoice, ToolDef } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import { MAX_MESSAGES, MAX_TOOLS } from './chat-request.js';
import { imageFromUrl, MAX_PARTS, taggedPart } from './content.js';
import { collectExtra, toInvalidRequest } from './validation.js';

const inputText = z.object({ type: z.string(), text: z.string() });
const inputImage = z.object({ type: z.literal('input_image'), image_url: z.string().min(1).nullish() });
const part = taggedPart({ input_text: inputText, output_text: inputText, input_image: inputImage });
const content = z.union([z.string(), z.array(part).max(MAX_PARTS)]);

const messageItem = z.object({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content,
});
const functionCall = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutput = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: content,
});

/** Items are tagged by `type`; a message may leave it out (the "easy input message" form). */
const item = z.looseObject({ type: z.string().optional() }).superRefine((value, ctx) => {
  const type = value.type ?? 'message';
  const schema =
    type === 'message'
      ? messageItem
      : type === 'function_call'
        ? functionCall
        : type === 'function_call_output'
          ? functionCallOutput
          : undefined;
  if (schema === undefined) return;
  const r = schema.safeParse(value);
  if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
});

const tool = z.looseObject({ type: z.string() }).superRefine((value, ctx) => {
  if (value.type !== 'function') return; // refused with PCX_UNSUPPORTED below, with its index
  const r = z
    .object({
      name: z.string().min(1).max(256),
      description: z.string().nullish(),
      parameters: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    })
    .safeParse(value);
  if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
});

const body = z.looseObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string(), z.array(item).min(1).max(MAX_MESSAGES)]),
  instructions: z.string().nullish(),
  tools: z.array(tool).max(MAX_TOOLS).nullish(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), name: z.string().min(1) })])
    .nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  stream: z.boolean().nullish(),
  user: z.string().max(512).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  text: z
    .looseObject({
      format: z
        .discriminatedUnion('type', [
          z.looseObject({ type: z.literal('text') }),
          z.looseObject({ type: z.literal('json_object') }),
          z.looseObject({
            type: z.literal('json_schema'),
            name: z.string().min(1).max(64).optional(),
            schema: z.record(z.string(), z.unknown()),
            description: z.string().nullish(),
            strict: z.boolean().nullish(),
          }),
        ])
        .nullish(),
      verbosity: z.string().nullish(),
    })
    .nullish(),
});

type Body = z.infer<typeof body>;
type Part = { type: string } & Record<string, unknown>;

/** Fields that need server-side state the gateway does not keep. */
const STATEFUL = ['previous_response_id', 'conversation', 'prompt'] as const;
/** Responses-only options with no Chat Completions meaning; the answer is the same without them. */
const DROPPED = ['include', 'truncation', 'stream_options', 'max_tool_calls', 'background'];
const KNOWN = new Set([...Object.keys(body.shape), ...DROPPED]);

function unsupported(param: string, what: string): PortcullisError {
  return new PortcullisError('PCX_UNSUPPORTED', `${param}: ${what}`, { param });
}

function toPart(p: Part): ContentPart {
  if (p.type === 'input_text' || p.type === 'output_text') return { type: 'text', text: p.text as string };
  if (p.type === 'input_image' && typeof p.image_url === 'string') return imageFromUrl(p.image_url);
  return { type: 'opaque', dialect: 'openai', value: p };
}

function toContent(c: string | readonly Part[]): ContentPart[] {
  return typeof c === 'string' ? [{ type: 'text', text: c }] : c.map(toPart);
}

function textOnly(c: string | readonly Part[]): string {
  if (typeof c === 'string') return c;
  return c.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function toMessages(input: Body['input'], system: string[]): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  const out: ChatMessage[] = [];
  for (let i = 0; i < input.length; i++) {
    const raw = input[i] as Record<string, unknown>;
    const type = (raw.type as string | undefined) ?? 'message';
    if (type === 'message') {
      const m = raw as unknown as z.infer<typeof messageItem>;
      if (m.role === 'system' || m.role === 'developer') system.push(textOnly(m.content as string | Part[]));
      else out.push({ role: m.role, content: toContent(m.content as string | Part[]) });
    } else if (type === 'function_call') {
      const c = raw as unknown as z.infer<typeof functionCall>;
      const call = { id: c.call_id, name: c.name, arguments: c.arguments };
      // Consecutive calls belong to one assistant turn, as Chat Completions expects.
      const last = out[out.length - 1];
      if (last !== undefined && last.role === 'assistant') {
        if (last.toolCalls === undefined) last.toolCalls = [call];
        else last.toolCalls.push(call);
      } else out.push({ role: 'assistant', content: [], toolCalls: [call] });
    } else if (type === 'function_call_output') {
      const o = raw as unknown as z.infer<typeof functionCallOutput>;
      out.push({ role: 'tool', toolCallId: o.call_id, content: toContent(o.output as string | Part[]) });
    } else if (type === 'reasoning') {
      // Reasoning items returned by OpenAI carry (often encrypted) state only OpenAI can use; the
      // conversation is complete without them.
    } else {
      throw unsupported(`input[${i}].type`, `input items of type "${type}" are not supported by this gateway`);
    }
  }
  return out;
}

function toTools(tools: Body['tools']): ToolDef[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((t, i) => {
    if (t.type !== 'function')
      throw unsupported(`tools[${i}].type`, `tools of type "${t.type}" are not supported by this gateway`);
    const f = t as unknown as {
      name: string;
      description?: string | null;
      parameters?: Record<string, unknown> | null;
      strict?: boolean | null;
    };
    const def: ToolDef = { name: f.name, parameters: f.parameters ?? { type: 'object', properties: {} } };
    if (f.description != null) def.description = f.description;
    if (f.strict != null) def.strict = f.strict;
    return def;
  });
}

/** `text.format` → Chat Completions `response_format` (`json_object` and `json_schema`; `text` is the default). */
function responseFormat(format: NonNullable<NonNullable<Body['text']>['format']>): unknown {
  if (format.type === 'json_schema') {
    const js: Record<string, unknown> = { name: format.name ?? 'response', schema: format.schema };
    if (format.strict != null) js.strict = format.strict;
    if (typeof format.description === 'string') js.description = format.description;
    return { type: 'json_schema', json_schema: js };
  }
  return { type: 'json_object' };
}

/** Parses and validates a Responses API request body. */
export function parseResponsesRequest(input: unknown): ChatRequest {
  const r = body.safeParse(input);
  if (!r.success) throw toInvalidRequest(r.error);
  const b = r.data;
  const raw = input as Record<string, unknown>;
  for (const key of STATEFUL) {
    if (raw[key] !== undefined && raw[key] !== null)
      throw unsupported(key, 'the gateway does not keep conversation state; send the full input');
  }
  if (raw.background === true)
    throw unsupported('background', 'background responses are not supported by this gateway');

  const system: string[] = b.instructions ? [b.instructions] : [];
  const messages = toMessages(b.input, system);
  const extra = collectExtra(raw, KNOWN);
  if (b.reasoning?.effort) extra.reasoning_effort = b.reasoning.effort;
  if (b.text?.format && b.text.format.type !== 'text') extra.response_format = responseFormat(b.text.format);
  if (b.text?.verbosity) extra.verbosity = b.text.verbosity;

  const req: ChatRequest = {
    model: b.model,
    system,
    messages,
    stream: b.stream ?? false,
    extra,
    extraDialect: 'openai',
  };
  const tools = toTools(b.tools);
  if (tools !== undefined) req.tools = tools;
  const tc = b.tool_choice;
  if (tc != null) req.toolChoice = (typeof tc === 'string' ? tc : { name: tc.name }) satisfies ToolChoice;
  if (b.max_output_tokens != null) req.maxTokens = b.max_output_tokens;
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  if (b.top_logprobs != null) {
    req.logprobs = true;
    req.topLogprobs = b.top_logprobs;
  }
  if (b.user != null) req.user = b.user;
  if (req.stream) req.streamUsage = true;
  return req;
}
