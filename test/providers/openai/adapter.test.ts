import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providerSchema } from '../../../src/config/providers.js';
import type { ChatRequest } from '../../../src/core/chat.js';
import type { PortcullisError } from '../../../src/core/errors.js';
import type { Target } from '../../../src/core/exchange.js';
import type { ProviderAdapter } from '../../../src/providers/adapter.js';
import { createOpenAIAdapter } from '../../../src/providers/openai/index.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai.js';
import { caught, collect, freePort, opts } from '../helpers.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';
const ENV = { FAKE_OPENAI_KEY: KEY };
const target: Target = { provider: 'local', upstreamModel: 'upstream-model-x', region: 'eu', weight: 1 };

function provider(url: string, extra: Record<string, unknown> = {}) {
  return providerSchema.parse({
    name: 'local',
    type: 'openai',
    base_url: url,
    api_key_env: 'FAKE_OPENAI_KEY',
    region: 'eu',
    ...extra,
  });
}

function request(over: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'public-model',
    system: ['Be brief.'],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there upstream' }] }],
    stream: false,
    extra: {},
    extraDialect: 'openai',
    ...over,
  };
}

function expectNoKey(value: unknown) {
  const seen = new Set<unknown>();
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Error) {
      if (seen.has(v)) return undefined;
      seen.add(v);
      return { message: v.message, stack: v.stack, cause: v.cause, details: (v as PortcullisError).details };
    }
    return v;
  });
  expect(text).not.toContain(KEY);
  expect(String(value)).not.toContain(KEY);
}

let fake: FakeOpenAI;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  adapter = createOpenAIAdapter(provider(fake.url), ENV);
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
afterEach(() => {
  fake.setBehaviour({});
  fake.requests.length = 0;
});

describe('OpenAI adapter, non-streamed', () => {
  it('sends a Chat Completions body with the upstream model, key and request id, and parses the answer', async () => {
    const resp = await adapter.chat(request({ maxTokens: 50, temperature: 0.2 }), target, opts());
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers['x-request-id']).toBe('req-1');
    expect(sent.body).toEqual({
      model: 'upstream-model-x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello there upstream' },
      ],
      // a compatible server at 127.0.0.1 gets the cap in the field every such server knows
      max_tokens: 50,
      temperature: 0.2,
      stream: false,
    });
    expect(resp.model).toBe('public-model');
    expect(resp.text).toBe('hello there upstream');
    expect(resp.finishReason).toBe('stop');
    // The fake counts words: 2 ("Be brief.") + 3 in, 3 out.
    expect(resp.usage).toEqual({ inputTokens: 5, outputTokens: 3 });
    expect(resp.toolCalls).toEqual([]);
  });

  it('returns tool calls and reasoning', async () => {
    fake.setBehaviour({
      text: '',
      reasoning: 'thinking hard',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const resp = await adapter.chat(request(), target, opts());
    expect(resp.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(resp.reasoning).toBe('thinking hard');
    expect(resp.finishReason).toBe('tool_calls');
    expect(resp.text).toBe('');
  });

  it('forwards extra only to an upstream of the same dialect, and extra never overrides canonical fields', async () => {
    await adapter.chat(request({ extra: { seed: 7, model: 'evil', messages: [] }, maxTokens: 10 }), target, opts());
    const b1 = fake.requests[0]!.body as Record<string, unknown>;
    expect(b1.seed).toBe(7);
    expect(b1.model).toBe('upstream-model-x');
    expect((b1.messages as unknown[]).length).toBe(2);
    await adapter.chat(request({ extra: { seed: 7 }, extraDialect: 'anthropic' }), target, opts());
    expect((fake.requests[1]!.body as Record<string, unknown>).seed).toBeUndefined();
  });

  it('passes an upstream 429 through with its status and own message', async () => {
    fake.setBehaviour({
      failStatus: 429,
      errorBody: { error: { message: 'Rate limit reached for requests', type: 'requests' } },
      errorHeaders: { 'retry-after': '7' },
    });
    const err = await caught(adapter.chat(request(), target, opts()));
    expect(err.code).toBe('PCX_UPSTREAM_ERROR');
    expect(err.status).toBe(429);
    expect(err.message).toBe('Rate limit reached for requests');
    expect(err.retryAfter).toBe(7);
    expect(err.details).toEqual({ upstream_status: 429 });
  });

  it('passes an upstream 500 through; a plain-text body is the message', async () => {
    fake.setBehaviour({ failStatus: 500, errorBody: 'internal trouble' });
    const err = await caught(adapter.chat(request(), target, opts()));
    expect(err.code).toBe('PCX_UPSTREAM_ERROR');
    expect(err.status).toBe(500);
    expect(err.message).toBe('internal trouble');
  });

  it('truncates a long upstream error message to 1 KB', async () => {
    fake.setBehaviour({ failStatus: 400, errorBody: { error: { message: 'x'.repeat(5000) } } });
    const err = await caught(adapter.chat(request(), target, opts()));
    expect(err.message).toBe(`${'x'.repeat(1024)}…`);
  });

  it('reports connection refused as unreachable, naming the provider and URL', async () => {
    const port = await freePort();
    const a = createOpenAIAdapter(provider(`http://127.0.0.1:${port}/v1`), ENV);
    try {
      const err = await caught(a.chat(request(), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_UNREACHABLE');
      expect(err.message).toBe(`provider "local" at http://127.0.0.1:${port}/v1 is unreachable (ECONNREFUSED)`);
      expectNoKey(err);
    } finally {
      await a.close();
    }
  });

  it('times out when the upstream sends no headers in time', async () => {
    fake.setBehaviour({ hang: true });
    const a = createOpenAIAdapter(provider(fake.url, { timeout_ms: 200 }), ENV);
    try {
      const err = await caught(a.chat(request(), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_TIMEOUT');
      expect(err.status).toBe(504);
      expect(err.message).toContain('provider "local"');
      expectNoKey(err);
    } finally {
      await a.close();
    }
  });

  it('aborts when the caller signal fires, with the caller reason', async () => {
    fake.setBehaviour({ hang: true });
    const ac = new AbortController();
    const p = adapter.chat(request(), target, opts(ac.signal));
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('client went away');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  it('rejects an answer that is not JSON or not a completion', async () => {
    fake.setBehaviour({ rawBody: '<html>oops' });
    const e1 = await caught(adapter.chat(request(), target, opts()));
    expect(e1.code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
    fake.setBehaviour({ rawBody: '{"choices":[]}' });
    const e2 = await caught(adapter.chat(request(), target, opts()));
    expect(e2.code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
    fake.setBehaviour({ rawBody: '{"choices":[{"message":{"content":5}}]}' });
    const e3 = await caught(adapter.chat(request(), target, opts()));
    expect(e3.code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
  });
});

describe('OpenAI adapter, streamed', () => {
  it('streams text, finish and usage, asking the upstream for usage', async () => {
    fake.setBehaviour({ chunks: 5, usage: { prompt_tokens: 11, completion_tokens: 4 } });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    const body = fake.requests[0]!.body as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(fake.requests[0]!.headers.accept).toBe('text/event-stream');
    expect(events[0]).toMatchObject({ type: 'start', model: 'public-model' });
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBe(5);
    expect(texts.map((e) => (e as { text: string }).text).join('')).toBe('hello there upstream');
    expect(events.at(-2)).toEqual({ type: 'finish', reason: 'stop' });
    expect(events.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 11, outputTokens: 4 } });
  });

  it('streams tool calls whose arguments arrive in pieces, and reasoning', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    fake.setBehaviour({
      text: '',
      reasoning: 'let me see',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: args },
        { id: 'call_b', name: 'get_time', arguments: '{}' },
      ],
      argChunks: 4,
    });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    const reasoning = events.filter((e) => e.type === 'reasoning').map((e) => (e as { text: string }).text);
    expect(reasoning.join('')).toBe('let me see');
    const calls = events.filter((e) => e.type === 'tool_call');
    expect(calls).toEqual([
      { type: 'tool_call', index: 0, id: 'call_a', name: 'get_weather' },
      { type: 'tool_call', index: 1, id: 'call_b', name: 'get_time' },
    ]);
    const pieces0 = events
      .filter((e) => e.type === 'tool_args' && e.index === 0)
      .map((e) => (e as { delta: string }).delta);
    expect(pieces0.length).toBe(4);
    expect(pieces0.join('')).toBe(args);
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('rejects before any event when the upstream fails, so a fallback is still possible', async () => {
    fake.setBehaviour({ failStatus: 503, errorBody: { error: { message: 'overloaded' } } });
    const err = await caught(adapter.stream(request({ stream: true }), target, opts()));
    expect(err.code).toBe('PCX_UPSTREAM_ERROR');
    expect(err.status).toBe(503);
    expect(err.message).toBe('overloaded');
  });

  it('turns an upstream error chunk into an error event and stops', async () => {
    fake.setBehaviour({ midStreamError: { afterChunks: 3, message: 'model crashed' } });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    expect(events.at(-1)).toEqual({ type: 'error', status: 502, message: 'model crashed' });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('turns a dropped connection into an error event', async () => {
    fake.setBehaviour({ dropAfterChunks: 2 });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    expect((last as { status: number }).status).toBe(502);
  });

  it('times out a stream that goes silent between chunks', async () => {
    fake.setBehaviour({ chunkDelayMs: 3000 });
    const a = createOpenAIAdapter(provider(fake.url, { timeout_ms: 200 }), ENV);
    try {
      const events = await collect(await a.stream(request({ stream: true }), target, opts()));
      expect(events.at(-1)).toMatchObject({ type: 'error', status: 504 });
    } finally {
      await a.close();
    }
  });

  it('lets a steady stream run longer than timeout_ms (the timeout bounds silence, not length)', async () => {
    fake.setBehaviour({ chunkDelayMs: 40, chunks: 25, text: 'y'.repeat(25) });
    const a = createOpenAIAdapter(provider(fake.url, { timeout_ms: 500 }), ENV);
    try {
      const events = await collect(await a.stream(request({ stream: true }), target, opts()));
      expect(events.some((e) => e.type === 'error')).toBe(false);
      expect(events.filter((e) => e.type === 'text').length).toBe(25);
    } finally {
      await a.close();
    }
  });

  it('accepts a stream without [DONE] when the answer finished', async () => {
    fake.setBehaviour({ omitDone: true });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('replays a JSON answer given to a stream request as events', async () => {
    fake.setBehaviour({ ignoreStream: true, text: 'whole answer' });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    expect(events.map((e) => e.type)).toEqual(['start', 'text', 'finish', 'usage']);
    expect(events[1]).toEqual({ type: 'text', text: 'whole answer' });
  });

  it('aborts a stream mid-way when the caller signal fires', async () => {
    fake.setBehaviour({ chunkDelayMs: 50, chunks: 20 });
    const ac = new AbortController();
    const it = (await adapter.stream(request({ stream: true }), target, opts(ac.signal)))[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    const reason = new Error('client left');
    ac.abort(reason);
    await expect(
      (async () => {
        for (;;) if ((await it.next()).done) break;
      })(),
    ).rejects.toBe(reason);
  });
});

describe('OpenAI adapter, Azure and embeddings', () => {
  it('uses the deployment path, api-version and api-key header for Azure', async () => {
    const root = fake.url.replace(/\/v1$/, '');
    const a = createOpenAIAdapter(provider(root, { azure_api_version: '2024-10-21' }), ENV);
    try {
      const resp = await a.chat(request(), { ...target, upstreamModel: 'my deployment' }, opts());
      expect(resp.text).toBe('hello there upstream');
      const sent = fake.requests[0]!;
      expect(sent.path).toBe('/openai/deployments/my%20deployment/chat/completions');
      expect(sent.query.get('api-version')).toBe('2024-10-21');
      expect(sent.headers['api-key']).toBe(KEY);
      expect(sent.headers.authorization).toBeUndefined();
    } finally {
      await a.close();
    }
  });

  it('forwards embeddings and returns the body with the public model name', async () => {
    const result = await adapter.embeddings!(
      'public-embed',
      { input: ['one two', 'three'], encoding_format: 'float' },
      { ...target, upstreamModel: 'text-embedding-3-small' },
      opts(),
    );
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.body).toEqual({
      input: ['one two', 'three'],
      encoding_format: 'float',
      model: 'text-embedding-3-small',
    });
    const body = result.body as { model: string; data: Array<{ embedding: number[] }> };
    expect(body.model).toBe('public-embed');
    expect(body.data.map((d) => d.embedding)).toEqual([
      [7, 2, 'o'.charCodeAt(0), 0],
      [5, 1, 't'.charCodeAt(0), 1],
    ]);
    expect(result.inputTokens).toBe(3);
  });
});

describe('the upstream key never appears in an error', () => {
  it('holds for status errors that echo the key, stream errors, bad answers and timeouts', async () => {
    const errors: unknown[] = [];
    fake.setBehaviour({ failStatus: 400, errorBody: { error: { message: `Incorrect API key provided: ${KEY}` } } });
    const e400 = await caught(adapter.chat(request(), target, opts()));
    expect(e400.message).toBe('Incorrect API key provided: [redacted]');
    errors.push(e400);
    // A 401/403 is about the gateway's key: the upstream's text (which may quote part of it) is not passed on.
    fake.setBehaviour({
      failStatus: 401,
      errorBody: { error: { message: `Incorrect API key provided: ${KEY.slice(0, 9)}…` } },
    });
    const e401 = (await caught(adapter.chat(request(), target, opts()))) as PortcullisError;
    expect(e401.code).toBe('PCX_UPSTREAM_AUTH');
    expect(e401.status).toBe(502);
    expect(e401.message).not.toContain(KEY.slice(0, 9));
    errors.push(e401);
    fake.setBehaviour({ failStatus: 500, errorBody: `boom ${KEY}` });
    errors.push(await caught(adapter.stream(request({ stream: true }), target, opts())));
    fake.setBehaviour({ midStreamError: { afterChunks: 1, message: `mid ${KEY}` } });
    const events = await collect(await adapter.stream(request({ stream: true }), target, opts()));
    errors.push(events.at(-1));
    expect(events.at(-1)).toEqual({ type: 'error', status: 502, message: 'mid [redacted]' });
    fake.setBehaviour({ rawBody: `not json ${KEY}` });
    errors.push(await caught(adapter.chat(request(), target, opts())));
    fake.setBehaviour({ hang: true });
    const slow = createOpenAIAdapter(provider(fake.url, { timeout_ms: 100 }), ENV);
    errors.push(await caught(slow.chat(request(), target, opts())));
    await slow.close();
    const port = await freePort();
    const dead = createOpenAIAdapter(provider(`http://127.0.0.1:${port}/v1`), ENV);
    errors.push(await caught(dead.stream(request({ stream: true }), target, opts())));
    await dead.close();
    expect(errors).toHaveLength(7);
    for (const e of errors) expectNoKey(e);
  });

  it('does not show credentials embedded in base_url', async () => {
    const port = await freePort();
    const a = createOpenAIAdapter(provider(`http://user:${KEY}@127.0.0.1:${port}/v1`), ENV);
    const err = await caught(a.chat(request(), target, opts()));
    await a.close();
    expect(err.message).toBe(`provider "local" at http://127.0.0.1:${port}/v1 is unreachable (ECONNREFUSED)`);
  });
});
