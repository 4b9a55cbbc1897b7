import type { ChatRequest, ChatResponse, StreamEvent } from '../core/chat.js';

export interface StreamRenderer {
  /** SSE text for one event (possibly several messages, possibly none). */
  render(ev: StreamEvent): string[];
  /** SSE text that closes the stream (e.g. `data: [DONE]`). */
  end(): string[];
}

export interface StreamRendererOptions {
  id: string;
  model: string;
  created: number;
  includeUsage: boolean;
  /** The parsed request, for dialects whose answers echo its settings (Responses API). */
  request: ChatRequest;
}

/** One client API: how its requests are parsed and its answers rendered. */
export interface ClientCodec {
  parse(body: unknown): ChatRequest;
  render(resp: ChatResponse, request: ChatRequest): unknown;
  createStream(opts: StreamRendererOptions): StreamRenderer;
}
