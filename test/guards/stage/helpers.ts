import type { ChatMessage, ChatRequest, StreamEvent } from '../../../src/core/chat.js';
import { createExchange, type Exchange, type ExchangeRequest } from '../../../src/core/exchange.js';

export function chatRequest(messages: ChatMessage[], system: string[] = []): ExchangeRequest {
  const chat: ChatRequest = { model: 'm', system, messages, stream: true, extra: {}, extraDialect: 'openai' };
  return { kind: 'chat', chat };
}

export function user(text: string): ChatMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function makeExchange(request: ExchangeRequest, tenant?: string): Exchange {
  const ex = createExchange({
    id: 'ex-1',
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '127.0.0.1', userAgent: 'test', headers: {} },
    signal: new AbortController().signal,
    request,
  });
  if (tenant !== undefined) ex.principal = { tenant, keyId: 'k1', models: null };
  return ex;
}

/** A stand-in for the forward stage: records what would go upstream and sets a streamed result. */
export function upstream(seen: { request?: ExchangeRequest }, events: StreamEvent[] = []) {
  return async function forward(ex: Exchange, next: () => Promise<void>): Promise<void> {
    seen.request = structuredClone(ex.request);
    ex.result = {
      kind: 'stream',
      events: (async function* () {
        yield* events;
      })(),
    };
    await next();
  };
}
