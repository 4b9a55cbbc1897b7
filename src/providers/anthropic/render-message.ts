/**
 * Client side: a canonical ChatResponse → an Anthropic `Message` object, and the Anthropic error shape.
 * https://docs.anthropic.com/en/api/messages (response), https://docs.anthropic.com/en/api/errors
 */
import type { ChatResponse, FinishReason } from '../../core/chat.js';
import type { AnthropicErrorType } from '../../core/errors.js';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** `extra` keys an Anthropic upstream fills so an Anthropic client gets them back unchanged. */
export const EXTRA_STOP_SEQUENCE = 'stop_sequence';
export const EXTRA_THINKING_SIGNATURE = 'thinking_signature';
/** Encrypted reasoning Anthropic returns as `redacted_thinking` blocks; clients must send them back unchanged. */
export const EXTRA_REDACTED_THINKING = 'redacted_thinking';

export function toStopReason(reason: FinishReason, stopSequence?: string | null): AnthropicStopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return typeof stopSequence === 'string' ? 'stop_sequence' : 'end_turn';
  }
}

/**
 * Tool arguments are JSON text in the canonical shape but an object in Anthropic's. An upstream of another
 * dialect may cut the text short (max tokens) or produce a non-object; the client then gets `{}` rather
 * than a message its SDK cannot parse.
 */
export function parseToolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function renderMessage(resp: ChatResponse): Record<string, unknown> {
  const anthropicExtra = resp.extraDialect === 'anthropic' ? resp.extra : {};
  const stopSequence =
    typeof anthropicExtra[EXTRA_STOP_SEQUENCE] === 'string' ? (anthropicExtra[EXTRA_STOP_SEQUENCE] as string) : null;
  const signature =
    typeof anthropicExtra[EXTRA_THINKING_SIGNATURE] === 'string'
      ? (anthropicExtra[EXTRA_THINKING_SIGNATURE] as string)
      : '';
  const content: Record<string, unknown>[] = [];
  if (resp.reasoning) content.push({ type: 'thinking', thinking: resp.reasoning, signature });
  const redacted = anthropicExtra[EXTRA_REDACTED_THINKING];
  if (Array.isArray(redacted))
    for (const data of redacted) if (typeof data === 'string') content.push({ type: 'redacted_thinking', data });
  if (resp.text !== '') content.push({ type: 'text', text: resp.text });
  for (const call of resp.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.arguments) });
  }
  const stopReason = toStopReason(resp.finishReason, stopSequence);
  return {
    id: resp.id,
    type: 'message',
    role: 'assistant',
    model: resp.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? stopSequence : null,
    usage: { input_tokens: resp.usage.inputTokens, output_tokens: resp.usage.outputTokens },
  };
}

/** The error type Anthropic uses for an HTTP status (for upstream errors passed through). */
export function anthropicErrorTypeForStatus(status: number): AnthropicErrorType {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  return 'api_error';
}

/** The HTTP status Anthropic uses for an error type (for `error` events inside a stream). */
export function statusForAnthropicErrorType(type: unknown): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'overloaded_error':
      return 529;
    default:
      return 500;
  }
}

/** The body of an Anthropic error answer: `{type: 'error', error: {type, message}}`. */
export function renderAnthropicError(type: AnthropicErrorType, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}
