/**
 * Upstream side: an Anthropic answer → canonical. The upstream is trusted to speak the protocol but not to
 * be well-formed: anything unexpected is PCX_UPSTREAM_BAD_RESPONSE (JSON) or a mid-stream `error` event
 * (SSE), never a crash. Unknown block and event types are skipped so new API features do not break us.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamEvent, ToolCall, Usage } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import type { SseMessage } from '../sse.js';
import { isUpstreamAuthStatus, upstreamAuthError } from '../upstream-auth.js';
import {
  EXTRA_REDACTED_THINKING,
  EXTRA_STOP_SEQUENCE,
  EXTRA_THINKING_SIGNATURE,
  statusForAnthropicErrorType,
} from './render-message.js';

const usageSchema = z
  .object({
    input_tokens: z.number().nonnegative().nullish(),
    output_tokens: z.number().nonnegative().nullish(),
    cache_creation_input_tokens: z.number().nonnegative().nullish(),
    cache_read_input_tokens: z.number().nonnegative().nullish(),
  })
  .passthrough();

const blockSchema = z.object({ type: z.string() }).passthrough();

const messageSchema = z
  .object({
    id: z.string(),
    model: z.string().optional(),
    content: z.array(blockSchema),
    stop_reason: z.string().nullish(),
    stop_sequence: z.string().nullish(),
    usage: usageSchema.optional(),
  })
  .passthrough();

export function toFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Cached prompt tokens are reported apart from `input_tokens`; the canonical count is the whole prompt,
 * as OpenAI's `prompt_tokens` is, so limits and budgets see the same number for both dialects.
 */
function inputTokens(u: z.infer<typeof usageSchema>): number {
  return (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

function bad(message: string): PortcullisError {
  return new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', message);
}

export function parseMessageResponse(json: unknown, provider: string): ChatResponse {
  const r = messageSchema.safeParse(json);
  if (!r.success)
    throw bad(`provider "${provider}" sent a malformed message: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const m = r.data;
  let text = '';
  let reasoning = '';
  let signature: string | undefined;
  const toolCalls: ToolCall[] = [];
  const redacted: string[] = [];
  for (const block of m.content) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning += block.thinking;
      if (typeof block.signature === 'string') signature = block.signature;
    } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      redacted.push(block.data);
    } else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') {
        throw bad(`provider "${provider}" sent a tool_use block without id or name`);
      }
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const extra: Record<string, unknown> = {};
  if (m.stop_sequence) extra[EXTRA_STOP_SEQUENCE] = m.stop_sequence;
  if (signature !== undefined) extra[EXTRA_THINKING_SIGNATURE] = signature;
  if (redacted.length > 0) extra[EXTRA_REDACTED_THINKING] = redacted;
  const resp: ChatResponse = {
    id: m.id,
    model: m.model ?? '',
    text,
    toolCalls,
    finishReason: toFinishReason(m.stop_reason),
    usage: { inputTokens: m.usage ? inputTokens(m.usage) : 0, outputTokens: m.usage?.output_tokens ?? 0 },
    extra,
    extraDialect: 'anthropic',
  };
  if (reasoning !== '') resp.reasoning = reasoning;
  return resp;
}

/**
 * Translates an Anthropic SSE stream into StreamEvents, one SSE message at a time. Usage is collected from
 * message_start (input) and message_delta (output) and reported once, at message_stop.
 */
export class AnthropicStreamTranslator {
  /** True once message_stop (or an error event) has been seen. */
  done = false;
  private usage: Usage = { inputTokens: 0, outputTokens: 0 };
  private tools = 0;
  // Anthropic content block index → canonical tool index.
  private readonly toolIndex = new Map<number, number>();

  constructor(private readonly provider: string) {}

  push(msg: SseMessage): StreamEvent[] {
    if (this.done) return [];
    const type = msg.event;
    if (type === 'ping' || msg.data === '') return [];
    let data: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(msg.data);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      data = v as Record<string, unknown>;
    } catch {
      this.done = true;
      return [{ type: 'error', status: 502, message: `provider "${this.provider}" sent a malformed stream event` }];
    }
    switch (type ?? data.type) {
      case 'message_start':
        return this.messageStart(data);
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'message_delta':
        return this.messageDelta(data);
      case 'message_stop':
        this.done = true;
        return [{ type: 'usage', usage: { ...this.usage } }];
      case 'error': {
        this.done = true;
        const err = (data.error ?? {}) as Record<string, unknown>;
        const status = statusForAnthropicErrorType(err.type);
        if (isUpstreamAuthStatus(status))
          return [{ type: 'error', status: 502, message: upstreamAuthError(this.provider, status).message }];
        const message = typeof err.message === 'string' ? err.message.slice(0, 1024) : 'upstream error';
        return [{ type: 'error', status, message }];
      }
      default:
        return []; // content_block_stop and event types added after this was written
    }
  }

  private messageStart(data: Record<string, unknown>): StreamEvent[] {
    const message = (data.message ?? {}) as Record<string, unknown>;
    const u = usageSchema.safeParse(message.usage ?? {});
    if (u.success) this.usage = { inputTokens: inputTokens(u.data), outputTokens: u.data.output_tokens ?? 0 };
    return [
      {
        type: 'start',
        id: typeof message.id === 'string' ? message.id : '',
        model: typeof message.model === 'string' ? message.model : '',
      },
    ];
  }

  private blockStart(data: Record<string, unknown>): StreamEvent[] {
    const block = (data.content_block ?? {}) as Record<string, unknown>;
    const index = typeof data.index === 'number' ? data.index : -1;
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '')
      return [{ type: 'text', text: block.text }];
    if (block.type === 'thinking') {
      const out: StreamEvent[] = [];
      if (typeof block.thinking === 'string' && block.thinking !== '')
        out.push({ type: 'reasoning', text: block.thinking });
      if (typeof block.signature === 'string' && block.signature !== '')
        out.push({ type: 'reasoning_signature', signature: block.signature });
      return out;
    }
    if (block.type === 'tool_use') {
      const toolIndex = this.tools++;
      this.toolIndex.set(index, toolIndex);
      const out: StreamEvent[] = [
        { type: 'tool_call', index: toolIndex, id: String(block.id ?? ''), name: String(block.name ?? '') },
      ];
      // Streams normally start with `input: {}` and send the JSON in deltas; a non-empty start is kept.
      const input = block.input;
      if (input && typeof input === 'object' && Object.keys(input).length > 0) {
        out.push({ type: 'tool_args', index: toolIndex, delta: JSON.stringify(input) });
      }
      return out;
    }
    return [];
  }

  private blockDelta(data: Record<string, unknown>): StreamEvent[] {
    const delta = (data.delta ?? {}) as Record<string, unknown>;
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' && delta.text !== '' ? [{ type: 'text', text: delta.text }] : [];
      case 'thinking_delta':
        return typeof delta.thinking === 'string' && delta.thinking !== ''
          ? [{ type: 'reasoning', text: delta.thinking }]
          : [];
      case 'input_json_delta': {
        const toolIndex = this.toolIndex.get(typeof data.index === 'number' ? data.index : -1);
        if (toolIndex === undefined || typeof delta.partial_json !== 'string' || delta.partial_json === '') return [];
        return [{ type: 'tool_args', index: toolIndex, delta: delta.partial_json }];
      }
      case 'signature_delta':
        // Anthropic checks the signature when the thinking block is sent back in a later turn.
        return typeof delta.signature === 'string' && delta.signature !== ''
          ? [{ type: 'reasoning_signature', signature: delta.signature }]
          : [];
      default:
        return []; // citations_delta
    }
  }

  private messageDelta(data: Record<string, unknown>): StreamEvent[] {
    const u = usageSchema.safeParse(data.usage ?? {});
    if (u.success) {
      if (u.data.output_tokens != null) this.usage.outputTokens = u.data.output_tokens;
      // Later API versions repeat the input counts here as cumulative totals; they replace, never add.
      if (u.data.input_tokens != null) this.usage.inputTokens = inputTokens(u.data);
    }
    const delta = (data.delta ?? {}) as Record<string, unknown>;
    if (delta.stop_reason === undefined || delta.stop_reason === null) return [];
    return [{ type: 'finish', reason: toFinishReason(String(delta.stop_reason)) }];
  }
}
