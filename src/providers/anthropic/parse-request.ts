/**
 * Client side: an Anthropic Messages request → the canonical ChatRequest. Validation happens once here;
 * the error names the offending field so a client can fix its request.
 */
import type { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import { type AnthropicContentBlock, type MessagesRequestBody, messagesRequestSchema } from './request-schema.js';

/** Fields the canonical shape models; every other top-level field goes to `extra`. */
const MODELLED = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
]);

/** `extra` key carrying `tool_choice.disable_parallel_tool_use`, which the canonical ToolChoice has no room for. */
export const EXTRA_DISABLE_PARALLEL = 'disable_parallel_tool_use';

export function formatParam(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/**
 * A union (`string | blocks[]`) reports only "invalid input" at its own path; the branch that got furthest
 * into the value (the longest path) says what is actually wrong, e.g. `messages[0].content[1].text`.
 */
function mostSpecific(
  issue: z.core.$ZodIssue,
  prefix: ReadonlyArray<PropertyKey> = [],
): { issue: z.core.$ZodIssue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: { issue: z.core.$ZodIssue; path: PropertyKey[] } | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const candidate = mostSpecific(first, path);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best && best.path.length > path.length ? best : { issue, path };
}

function invalid(raw: z.core.$ZodIssue): PortcullisError {
  const { issue, path } = mostSpecific(raw);
  const param = formatParam(path);
  const message = issue.message;
  return new PortcullisError('PCX_INVALID_REQUEST', param ? `${param}: ${message}` : message, param ? { param } : {});
}

export function parseMessagesRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new PortcullisError('PCX_INVALID_REQUEST', 'the request body must be a JSON object');
  }
  const result = messagesRequestSchema.safeParse(body);
  if (!result.success) throw invalid(result.error.issues[0]!);
  const b = result.data;

  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!MODELLED.has(k)) extra[k] = v;
  if (b.top_k !== undefined) extra.top_k = b.top_k;
  if (b.tool_choice && 'disable_parallel_tool_use' in b.tool_choice && b.tool_choice.disable_parallel_tool_use) {
    extra[EXTRA_DISABLE_PARALLEL] = true;
  }

  const req: ChatRequest = {
    model: b.model,
    system: parseSystem(b.system),
    messages: parseMessages(b.messages),
    maxTokens: b.max_tokens,
    stream: b.stream ?? false,
    extra,
    extraDialect: 'anthropic',
  };
  if (b.tools) {
    req.tools = b.tools.map((t) => ({
      name: t.name,
      parameters: t.input_schema,
      ...(t.description === undefined ? {} : { description: t.description }),
    }));
  }
  if (b.tool_choice) req.toolChoice = parseToolChoice(b.tool_choice);
  if (b.temperature !== undefined) req.temperature = b.temperature;
  if (b.top_p !== undefined) req.topP = b.top_p;
  if (b.stop_sequences) req.stop = b.stop_sequences;
  if (typeof b.metadata?.user_id === 'string') req.user = b.metadata.user_id;
  return req;
}

function parseSystem(system: MessagesRequestBody['system']): string[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return system === '' ? [] : [system];
  return system.map((s) => s.text);
}

function parseToolChoice(c: NonNullable<MessagesRequestBody['tool_choice']>): ToolChoice {
  switch (c.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { name: c.name };
  }
}

function parseMessages(messages: MessagesRequestBody['messages']): ChatMessage[] {
  const out: ChatMessage[] = [];
  messages.forEach((m, i) => {
    if (typeof m.content === 'string') {
      out.push({ role: m.role, content: [{ type: 'text', text: m.content }] });
      return;
    }
    if (m.role === 'assistant') {
      out.push(parseAssistant(m.content, i));
      return;
    }
    // A user turn may carry tool results (which become canonical `tool` messages) followed by text;
    // the order of the blocks is kept by splitting the turn at each tool result.
    let pending: ContentPart[] = [];
    for (const block of m.content) {
      if (block.type === 'tool_result') {
        if (pending.length > 0) out.push({ role: 'user', content: pending });
        pending = [];
        const content: ContentPart[] =
          block.content === undefined
            ? []
            : typeof block.content === 'string'
              ? [{ type: 'text', text: block.content }]
              : block.content.map(toPart);
        const tool: ChatMessage = { role: 'tool', content, toolCallId: block.tool_use_id };
        if (block.is_error !== undefined) tool.isError = block.is_error;
        out.push(tool);
      } else if (block.type === 'tool_use') {
        throw new PortcullisError(
          'PCX_INVALID_REQUEST',
          `messages[${i}].content: tool_use blocks belong to assistant turns`,
          {
            param: `messages[${i}].content`,
          },
        );
      } else {
        pending.push(toPart(block));
      }
    }
    if (pending.length > 0 || m.content.length === 0) out.push({ role: 'user', content: pending });
  });
  return out;
}

function parseAssistant(blocks: AnthropicContentBlock[], i: number): ChatMessage {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, name: block.name, arguments: stringifyInput(block.input, i) });
    else if (block.type === 'tool_result') {
      throw new PortcullisError(
        'PCX_INVALID_REQUEST',
        `messages[${i}].content: tool_result blocks belong to user turns`,
        {
          param: `messages[${i}].content`,
        },
      );
    } else content.push(toPart(block));
  }
  const msg: ChatMessage = { role: 'assistant', content };
  if (toolCalls.length > 0) msg.toolCalls = toolCalls;
  return msg;
}

/** JSON.stringify recurses; a hostile, deeply nested `input` must become a 400, not a crash. */
function stringifyInput(input: Record<string, unknown>, i: number): string {
  try {
    return JSON.stringify(input);
  } catch {
    throw new PortcullisError('PCX_INVALID_REQUEST', `messages[${i}].content: tool_use input is nested too deeply`, {
      param: `messages[${i}].content`,
    });
  }
}

function toPart(block: Exclude<AnthropicContentBlock, { type: 'tool_use' } | { type: 'tool_result' }>): ContentPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return block.source.type === 'base64'
        ? { type: 'image', data: block.source.data, mediaType: block.source.media_type }
        : { type: 'image', url: block.source.url };
    default:
      return { type: 'opaque', dialect: 'anthropic', value: block };
  }
}
