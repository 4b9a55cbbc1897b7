import type { ChatRequest, ChatResponse, StreamEvent } from '../core/chat.js';
import type { Target } from '../core/exchange.js';
import type { CircuitOptions } from './circuit.js';

export interface CallOptions {
  /** Aborts the upstream call (client disconnect, shutdown). */
  signal: AbortSignal;
  /** The request id, sent upstream as `x-request-id`. */
  requestId: string;
}

export interface EmbeddingsResult {
  /** The upstream's JSON body (OpenAI embeddings shape), with `model` set to the public name. */
  body: unknown;
  inputTokens: number;
}

/**
 * One upstream API family. Implementations translate the canonical request into their dialect, and the
 * answer back. Errors are PortcullisErrors: PCX_UPSTREAM_UNREACHABLE (connection), PCX_UPSTREAM_TIMEOUT,
 * PCX_UPSTREAM_ERROR (the upstream's own status and message), PCX_UPSTREAM_BAD_RESPONSE (unparseable).
 * Upstream keys never appear in an error message.
 */
export interface ProviderAdapter {
  readonly name: string;
  readonly type: 'openai' | 'anthropic';
  /** The provider's circuit breaker thresholds (config `providers[].circuit`); absent: the breaker's defaults. */
  readonly circuit?: CircuitOptions;
  chat(req: ChatRequest, target: Target, opts: CallOptions): Promise<ChatResponse>;
  /**
   * Resolves once the upstream has answered with a success status (so a failure can still fall back before
   * any byte reaches the client); the iterable then yields the answer's events and ends after `finish`
   * (and `usage` when known).
   */
  stream(req: ChatRequest, target: Target, opts: CallOptions): Promise<AsyncIterable<StreamEvent>>;
  embeddings?(
    model: string,
    body: Record<string, unknown>,
    target: Target,
    opts: CallOptions,
  ): Promise<EmbeddingsResult>;
  close(): Promise<void>;
}
