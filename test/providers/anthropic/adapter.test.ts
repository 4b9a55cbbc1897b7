import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providerSchema } from '../../../src/config/providers.js';
import type { ChatRequest, StreamEvent } from '../../../src/core/chat.js';
import type { PortcullisError } from '../../../src/core/errors.js';
import type { Target } from '../../../src/core/exchange.js';
import type { ProviderAdapter } from '../../../src/providers/adapter.js';
import { createAnthropicAdapter, parseMessagesRequest } from '../../../src/providers/anthropic/index.js';
import { type FakeAnthropic, startFakeAnthropic } from '../../fakes/anthropic.js';
import { collect, freePort as deadPort, opts, caught as rejection } from '../helpers.js';

const KEY = 'sk-ant-test-SECRET-0123456789';
const target: Target = { provider: 'anth', upstreamModel: 'claude-up', region: 'eu', weight: 1 };

function request(text: string, over: Record<string, unknown> = {}): ChatRequest {
  return parseMessagesRequest({
    model: 'public',
    max_tokens: 50,
    messages: [{ role: 'user', content: text }],
    ...over,
  });
}

let fake: FakeAnthropic;
let adapter: ProviderAdapter;

function makeAdapter(over: Record<string, unknown> = {}): ProviderAdapter {
  const provider = providerSchema.parse({
    name: 'anth',
    type: 'anthropic',
    base_url: fake.url,
    api_key_env: 'TEST_ANTHROPIC_KEY',
    region: 'eu',
    headers: { 'x-extra': 'yes' },
    ...over,
  });
  return createAnthropicAdapter(provider, { TEST_ANTHROPIC_KEY: KEY });
}

beforeAll(async () => {
  fake = await startFakeAnthropic();
  adapter = makeAdapter();
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
afterEach(() => {
  fake.setBehaviour({});
  fake.requests.length = 0;
});

describe('Anthropic adapter: answers', () => {
  it('sends the rendered body with the key and version headers, and parses the JSON answer', async () => {
    const resp = await adapter.chat(request('ping me back'), target, opts());
    expect(resp.text).toBe('ping me back');
    expect(resp.finishReason).toBe('stop');
    expect(resp.usage).toEqual({ inputTokens: 11, outputTokens: 7 });
    const rec = fake.requests[0]!;
    expect(rec.path).toBe('/v1/messages');
    expect(rec.headers['x-api-key']).toBe(KEY);
    expect(rec.headers['anthropic-version']).toBe('2023-06-01');
    expect(rec.headers['x-request-id']).toBe('req-1');
    expect(rec.headers['x-extra']).toBe('yes');
    expect(rec.body).toEqual({
      model: 'claude-up',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ping me back' }] }],
    });
  });

  it('parses thinking and tool_use in a JSON answer', async () => {
    fake.setBehaviour({ thinking: 'why', text: 'ok', toolUses: [{ id: 'tu1', name: 'f', input: { a: [1] } }] });
    const resp = await adapter.chat(request('x'), target, opts());
    expect(resp.reasoning).toBe('why');
    expect(resp.toolCalls).toEqual([{ id: 'tu1', name: 'f', arguments: '{"a":[1]}' }]);
    expect(resp.finishReason).toBe('tool_calls');
  });

  it('streams text, thinking and a tool call whose input arrives in pieces, with usage', async () => {
    fake.setBehaviour({
      thinking: 'step by step',
      text: 'Hello there',
      toolUses: [{ id: 'tu9', name: 'lookup', input: { query: 'portcullis gateway' } }],
      usage: { input_tokens: 40, output_tokens: 25 },
      pieces: 4,
    });
    const events = await collect(await adapter.stream(request('x'), target, opts()));
    expect((fake.requests[0]!.body as Record<string, unknown>).stream).toBe(true);
    const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
    const reasoning = events.flatMap((e) => (e.type === 'reasoning' ? [e.text] : [])).join('');
    const args = events.filter((e) => e.type === 'tool_args');
    expect(text).toBe('Hello there');
    expect(reasoning).toBe('step by step');
    expect(args.length).toBeGreaterThan(1); // really split across several input_json_delta events
    expect(args.map((e) => (e.type === 'tool_args' ? e.delta : '')).join('')).toBe('{"query":"portcullis gateway"}');
    expect(events).toContainEqual({ type: 'tool_call', index: 0, id: 'tu9', name: 'lookup' });
    expect(events.at(0)).toMatchObject({ type: 'start', model: 'claude-up' });
    expect(events.slice(-2)).toEqual([
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 40, outputTokens: 25 } },
    ]);
  });

  it('ends a stream with an error event when the upstream sends one mid-stream', async () => {
    fake.setBehaviour({ text: 'abc', midStreamError: { afterChunks: 4, message: 'Overloaded' } });
    const events = await collect(await adapter.stream(request('x'), target, opts()));
    expect(events.at(-1)).toEqual({ type: 'error', status: 529, message: 'Overloaded' });
  });

  it('ends a stream with an error event when the connection drops mid-stream', async () => {
    fake.setBehaviour({ text: 'abcdef', dropAfterChunks: 4 });
    const events = await collect(await adapter.stream(request('x'), target, opts()));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });
});

describe('Anthropic adapter: streams cut short by our side', () => {
  it('lets the consumer stop reading early, and the adapter keeps working', async () => {
    fake.setBehaviour({ text: 'a long answer in many pieces', pieces: 10, chunkDelayMs: 5 });
    for await (const ev of await adapter.stream(request('x'), target, opts())) {
      if (ev.type === 'text') break;
    }
    fake.setBehaviour({});
    const resp = await adapter.chat(request('still here'), target, opts());
    expect(resp.text).toBe('still here');
  });

  it('ends the iteration quietly, without an error event, when the caller aborts mid-stream', async () => {
    fake.setBehaviour({ text: 'abcdefghij', pieces: 10, chunkDelayMs: 30 });
    const ac = new AbortController();
    const events: StreamEvent[] = [];
    for await (const ev of await adapter.stream(request('x'), target, opts(ac.signal))) {
      events.push(ev);
      if (ev.type === 'text') ac.abort(new Error('client gone'));
    }
    expect(events.some((e) => e.type === 'error' || e.type === 'usage')).toBe(false);
    expect(events.filter((e) => e.type === 'text')).toHaveLength(1); // nothing more after the abort
    expect(events.at(-1)?.type).toBe('text');
  });
});

describe('Anthropic adapter: errors', () => {
  for (const status of [429, 529, 500, 400]) {
    it(`passes an upstream ${status} through as PCX_UPSTREAM_ERROR with its status and message`, async () => {
      fake.setBehaviour({ failStatus: status });
      const err = await rejection(adapter.chat(request('x'), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_ERROR');
      expect(err.status).toBe(status);
      expect(err.message).toContain(`fake failure ${status}`);
      expect(err.message).toContain('anth');
      const streamErr = await rejection(adapter.stream(request('x'), target, opts()));
      expect(streamErr.status).toBe(status);
    });
  }

  it('truncates a long upstream message and never repeats the key, even when the upstream echoes it', async () => {
    fake.setBehaviour({
      failStatus: 400,
      errorBody: {
        type: 'error',
        error: { type: 'invalid_request_error', message: `bad key ${KEY} ${'x'.repeat(5000)}` },
      },
    });
    const err = await rejection(adapter.chat(request('x'), target, opts()));
    expect(err.status).toBe(400);
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain('[redacted]');
    expect(err.message.length).toBeLessThan(1200);
  });

  for (const status of [401, 403]) {
    it(`an upstream ${status} (the gateway's own key refused) is a 502 PCX_UPSTREAM_AUTH naming the provider, without the upstream's text`, async () => {
      fake.setBehaviour({
        failStatus: status,
        errorBody: { type: 'error', error: { type: 'authentication_error', message: `bad key ${KEY.slice(0, 12)}…` } },
      });
      for (const call of [adapter.chat(request('x'), target, opts()), adapter.stream(request('x'), target, opts())]) {
        const err = (await rejection(call)) as PortcullisError;
        expect(err.code).toBe('PCX_UPSTREAM_AUTH');
        expect(err.status).toBe(502);
        expect(err.message).toContain("upstream rejected the gateway's credentials");
        expect(err.message).toContain('"anth"');
        expect(err.message).not.toContain(KEY.slice(0, 12));
      }
    });
  }

  it('refuses to call upstream without a key when its environment variable is unset', async () => {
    const provider = providerSchema.parse({
      name: 'nokey',
      type: 'anthropic',
      base_url: fake.url,
      api_key_env: 'UNSET_TEST_KEY_VAR',
      region: 'eu',
    });
    const keyless = createAnthropicAdapter(provider, {});
    try {
      const err = await rejection(keyless.chat(request('x'), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_ERROR');
      expect(err.status).toBe(502);
      expect(err.message).toContain('UNSET_TEST_KEY_VAR');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await keyless.close();
    }
  });

  it('reports a refused connection as PCX_UPSTREAM_UNREACHABLE naming the provider and URL, without the key', async () => {
    const port = await deadPort();
    const dead = makeAdapter({ base_url: `http://127.0.0.1:${port}/v1` });
    try {
      const err = await rejection(dead.chat(request('x'), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_UNREACHABLE');
      expect(err.message).toContain('"anth"');
      expect(err.message).toContain(`http://127.0.0.1:${port}/v1/messages`);
      expect(err.message).toContain('ECONNREFUSED');
      expect(JSON.stringify({ m: err.message, s: err.stack, d: err.details })).not.toContain(KEY);
    } finally {
      await dead.close();
    }
  });

  it('reports an upstream that never answers as PCX_UPSTREAM_TIMEOUT', async () => {
    fake.setBehaviour({ hang: true });
    const slow = makeAdapter({ timeout_ms: 300 });
    try {
      const err = await rejection(slow.chat(request('x'), target, opts()));
      expect(err.code).toBe('PCX_UPSTREAM_TIMEOUT');
      expect(err.status).toBe(504);
      expect(err.message).not.toContain(KEY);
    } finally {
      await slow.close();
    }
  });

  it('aborts the upstream call when the signal fires, rethrowing the abort reason', async () => {
    fake.setBehaviour({ hang: true });
    const ac = new AbortController();
    const p = adapter.chat(request('x'), target, opts(ac.signal));
    setTimeout(() => ac.abort(new Error('client went away')), 50);
    await expect(p).rejects.toThrow('client went away');
  });

  it('refuses a request nested too deeply to serialise with a 400, without calling upstream', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const req = request('x');
    req.tools = [{ name: 'f', parameters: deep }];
    const err = await rejection(adapter.chat(req, target, opts()));
    expect(err.code).toBe('PCX_INVALID_REQUEST');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a malformed answer as PCX_UPSTREAM_BAD_RESPONSE', async () => {
    fake.setBehaviour({ rawBody: '{"id": "x", "content": "not an array"' });
    expect((await rejection(adapter.chat(request('x'), target, opts()))).code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
    fake.setBehaviour({ rawBody: '{"id": "x", "content": "not an array"}' });
    expect((await rejection(adapter.chat(request('x'), target, opts()))).code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
    // A stream request answered with JSON is not a stream.
    expect((await rejection(adapter.stream(request('x'), target, opts()))).code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
  });
});
