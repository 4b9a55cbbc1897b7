/**
 * Client side: a canonical answer rendered as an OpenAI `chat.completion` object, and the finish-reason
 * and usage translations the stream renderer shares.
 */
import type { ChatChoice, ChatResponse, FinishReason, ToolCall, Usage } from '../../core/chat.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** OpenAI has no `error` finish reason: an answer cut by an error ended as far as the client can tell. */
export function toOpenAIFinish(reason: FinishReason): OpenAIFinishReason {
  return reason === 'error' ? 'stop' : reason;
}

export function toOpenAIUsage(u: Usage): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

export function toOpenAIToolCalls(calls: readonly ToolCall[]) {
  return calls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
}

function stringExtra(resp: ChatResponse, key: string): string | undefined {
  if (resp.extraDialect !== 'openai') return undefined;
  const v = resp.extra[key];
  return typeof v === 'string' ? v : undefined;
}

function renderChoice(c: Omit<ChatChoice, 'index'>, index: number, refusal: string | null): object {
  const hasTools = c.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    // OpenAI sends null, not '', when the model only called tools.
    content: c.text === '' && hasTools ? null : c.text,
    refusal,
  };
  if (hasTools) message.tool_calls = toOpenAIToolCalls(c.toolCalls);
  if (c.reasoning !== undefined) message.reasoning_content = c.reasoning;
  return { index, message, logprobs: c.logprobs ?? null, finish_reason: toOpenAIFinish(c.finishReason) };
}

/** Renders the full OpenAI Chat Completions JSON for a non-streamed answer, every choice (n > 1) included. */
export function renderChatCompletion(resp: ChatResponse, created: number = Math.floor(Date.now() / 1000)): object {
  const choices = [renderChoice(resp, 0, stringExtra(resp, 'refusal') ?? null)];
  for (const c of resp.choices ?? []) choices.push(renderChoice(c, c.index, null));
  const out: Record<string, unknown> = {
    id: resp.id,
    object: 'chat.completion',
    created,
    model: resp.model,
    choices,
    usage: toOpenAIUsage(resp.usage),
  };
  const fingerprint = stringExtra(resp, 'system_fingerprint');
  if (fingerprint !== undefined) out.system_fingerprint = fingerprint;
  const tier = stringExtra(resp, 'service_tier');
  if (tier !== undefined) out.service_tier = tier;
  return out;
}
