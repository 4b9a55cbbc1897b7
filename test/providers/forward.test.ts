import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { providerSchema } from '../../src/config/providers.js';
import type { StreamEvent } from '../../src/core/chat.js';
import { PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange, type ExchangeRequest, type Target } from '../../src/core/exchange.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createAnthropicAdapter, parseMessagesRequest } from '../../src/providers/anthropic/index.js';
import { CircuitBreakers, circuitOptionsOf } from '../../src/providers/circuit.js';
import { createForwardStage, droppedFields, isFallbackError } from '../../src/providers/forward.js';
import { closeProviderRegistry, createProviderRegistry } from '../../src/providers/registry.js';
import { createRouter } from '../../src/providers/router.js';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/anthropic.js';
import { startFakeOpenAI } from '../fakes/openai.js';

let first: FakeAnthropic;
let second: FakeAnthropic;
let deadUrl: string;
const adapters = new Map<string, ProviderAdapter>();

function adapterFor(name: string, url: string): ProviderAdapter {
  return createAnthropicAdapter(
    providerSchema.parse({
      name,
      type: 'anthropic',
      base_url: url,
      api_key: `key-${name}`,
      region: 'eu',
      timeout_ms: 2000,
    }),
  );
}

beforeAll(async () => {
  first = await startFakeAnthropic();
  second = await startFakeAnthropic();
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(srv.address() as { port: number }).port}/v1`;
  await new Promise<void>((r) => srv.close(() => r()));
  adapters.set('first', adapterFor('first', first.url));
  adapters.set('second', adapterFor('second', second.url));
  adapters.set('dead', adapterFor('dead', deadUrl));
});

afterAll(async () => {
  for (const a of adapters.values()) await a.close();
  await first.close();
  await second.close();
});

afterEach(() => {
  for (const f of [first, second]) {
    f.setBehaviour({});
    f.requests.length = 0;
  }
});

const target = (provider: string, upstreamModel = `${provider}-model`): Target => ({
  provider,
  upstreamModel,
  region: 'eu',
  weight: 1,
});

function exchange(
  targets: Target[],
  opts: { stream?: boolean; signal?: AbortSignal; request?: ExchangeRequest } = {},
): Exchange {
  const chat = parseMessagesRequest({
    model: 'public-name',
    max_tokens: 20,
    stream: opts.stream ?? false,
    messages: [{ role: 'user', content: 'hello upstream' }],
  });
  const ex = createExchange({
    id: 'ex-fwd',
    dialect: 'anthropic',
    endpoint: 'messages',
    client: { ip: '127.0.0.1', userAgent: undefined, headers: {} },
    signal: opts.signal ?? new AbortController().signal,
    request: opts.request ?? { kind: 'chat', chat },
  });
  ex.route = { model: 'public-name', targets };
  return ex;
}

const forward = createForwardStage(adapters);
const run = (ex: Exchange) => forward(ex, async () => {});

async function failure(p: Promise<unknown>): Promise<PortcullisError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PortcullisError);
  return err as PortcullisError;
}

describe('forward stage', () => {
  it('answers from the first target when it works, with the public model name and usage', async () => {
    const ex = exchange([target('first'), target('second')]);
    await run(ex);
    expect(ex.result?.kind).toBe('chat');
    if (ex.result?.kind !== 'chat') return;
    expect(ex.result.response.text).toBe('hello upstream');
    expect(ex.result.response.model).toBe('public-name');
    expect(ex.usage).toEqual({ inputTokens: 11, outputTokens: 7 });
    expect(ex.upstream).toMatchObject({
      provider: 'first',
      upstreamModel: 'first-model',
      region: 'eu',
      status: 200,
      attempts: 1,
    });
    expect(ex.upstream?.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(second.requests).toHaveLength(0);
  });

  it('falls back to the second target when the first answers 500', async () => {
    first.setBehaviour({ failStatus: 500 });
    const ex = exchange([target('first'), target('second')]);
    await run(ex);
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    expect((second.requests[0]!.body as { model: string }).model).toBe('second-model');
    expect(ex.upstream).toMatchObject({ provider: 'second', status: 200, attempts: 2 });
    expect(ex.decisions).toHaveLength(1);
    expect(ex.decisions[0]!.reasons[0]).toContain('"first"');
  });

  it('falls back when the first target refuses the connection', async () => {
    const ex = exchange([target('dead'), target('second')]);
    await run(ex);
    expect(ex.upstream).toMatchObject({ provider: 'second', attempts: 2 });
    expect(second.requests).toHaveLength(1);
  });

  it('falls back on 429 and 529', async () => {
    for (const status of [429, 529]) {
      first.setBehaviour({ failStatus: status });
      const ex = exchange([target('first'), target('second')]);
      await run(ex);
      expect(ex.upstream?.provider).toBe('second');
    }
  });

  it('does not fall back on a 400: the request itself is wrong', async () => {
    first.setBehaviour({ failStatus: 400 });
    const ex = exchange([target('first'), target('second')]);
    const err = await failure(run(ex));
    expect(err.code).toBe('PCX_UPSTREAM_ERROR');
    expect(err.status).toBe(400);
    expect(second.requests).toHaveLength(0);
    expect(ex.upstream).toMatchObject({ provider: 'first', status: 400, attempts: 1 });
  });

  it('throws the last error when every target fails', async () => {
    first.setBehaviour({ failStatus: 503 });
    second.setBehaviour({ failStatus: 529 });
    const ex = exchange([target('first'), target('second')]);
    const err = await failure(run(ex));
    expect(err.status).toBe(529);
    expect(ex.upstream).toMatchObject({ provider: 'second', status: 529, attempts: 2 });
  });

  it('streams from the fallback target, naming the public model and recording usage', async () => {
    first.setBehaviour({ failStatus: 500 });
    second.setBehaviour({ text: 'streamed answer', usage: { input_tokens: 5, output_tokens: 3 } });
    const ex = exchange([target('first'), target('second')], { stream: true });
    await run(ex);
    expect(ex.result?.kind).toBe('stream');
    if (ex.result?.kind !== 'stream') return;
    expect(ex.usage).toBeUndefined(); // known only once the stream has been read
    const events: StreamEvent[] = [];
    for await (const ev of ex.result.events) events.push(ev);
    expect(events[0]).toMatchObject({ type: 'start', model: 'public-name' });
    expect(events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('')).toBe('streamed answer');
    expect(ex.usage).toEqual({ inputTokens: 5, outputTokens: 3 });
  });

  it('never falls back once a stream has started: a mid-stream failure reaches the client as an error event', async () => {
    first.setBehaviour({ text: 'abcdef', dropAfterChunks: 4 });
    const ex = exchange([target('first'), target('second')], { stream: true });
    await run(ex);
    if (ex.result?.kind !== 'stream') throw new Error('expected a stream');
    const events: StreamEvent[] = [];
    for await (const ev of ex.result.events) events.push(ev);
    expect(events.at(-1)?.type).toBe('error');
    expect(second.requests).toHaveLength(0);
  });

  it('does not fall back after the client aborted', async () => {
    first.setBehaviour({ hang: true });
    const ac = new AbortController();
    const ex = exchange([target('first'), target('second')], { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('client gone')), 50);
    await expect(run(ex)).rejects.toThrow('client gone');
    expect(second.requests).toHaveLength(0);
  });

  it('refuses embeddings on an adapter without them, without falling back', async () => {
    const ex = exchange([target('first'), target('second')], {
      request: { kind: 'embeddings', embeddings: { model: 'e', input: ['x'], extra: {} } },
    });
    const err = await failure(run(ex));
    expect(err.code).toBe('PCX_UNSUPPORTED');
  });

  it('reports a route to an unconfigured provider as unreachable and moves on', async () => {
    const ex = exchange([target('ghost'), target('second')]);
    await run(ex);
    expect(ex.upstream).toMatchObject({ provider: 'second', attempts: 2 });
  });
});

describe('forward stage with circuit breakers', () => {
  function setup() {
    let t = 5_000_000;
    const circuits = new CircuitBreakers({ failureThreshold: 2, coolDownMs: 30_000, now: () => t });
    const stage = createForwardStage(adapters, { circuits });
    return {
      circuits,
      run: (ex: Exchange) => stage(ex, async () => {}),
      advance: (ms: number) => {
        t += ms;
      },
    };
  }

  it('after repeated 5xx skips the provider without calling it and falls back at once', async () => {
    const c = setup();
    first.setBehaviour({ failStatus: 500 });
    for (let i = 0; i < 2; i++) await c.run(exchange([target('first'), target('second')]));
    expect(first.requests).toHaveLength(2);
    expect(c.circuits.states()).toMatchObject({ first: 'open', second: 'closed' });

    const ex = exchange([target('first'), target('second')]);
    await c.run(ex);
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(3);
    expect(ex.upstream).toMatchObject({ provider: 'second', status: 200, attempts: 1 });
    expect(ex.decisions.map((d) => d.reasons[0])).toEqual([
      'provider "first" skipped: circuit open; trying the next target',
    ]);
  });

  it('with no other target fails fast: unreachable, naming the provider and when to retry', async () => {
    const c = setup();
    first.setBehaviour({ failStatus: 503 });
    for (let i = 0; i < 2; i++) await failure(c.run(exchange([target('first')])));
    c.advance(12_000);
    const err = await failure(c.run(exchange([target('first')])));
    expect(err.code).toBe('PCX_UPSTREAM_UNREACHABLE');
    expect(err.status).toBe(502);
    expect(err.message).toBe('circuit open for provider "first" after repeated failures; retry in 18s');
    expect(err.retryAfter).toBe(18);
    expect(first.requests).toHaveLength(2);
  });

  it('keeps a real upstream error over the skip when an earlier target was tried', async () => {
    const c = setup();
    second.setBehaviour({ failStatus: 500 });
    for (let i = 0; i < 2; i++) await failure(c.run(exchange([target('second')])));
    first.setBehaviour({ failStatus: 502 });
    const err = await failure(c.run(exchange([target('first'), target('second')])));
    expect(err.code).toBe('PCX_UPSTREAM_ERROR');
    expect(err.status).toBe(502);
    expect(second.requests).toHaveLength(2);
  });

  it('after the cool-down one probe goes through; a healthy answer closes the circuit', async () => {
    const c = setup();
    first.setBehaviour({ failStatus: 500 });
    for (let i = 0; i < 2; i++) await c.run(exchange([target('first'), target('second')]));
    first.setBehaviour({});
    c.advance(30_000);
    const probe = exchange([target('first'), target('second')]);
    await c.run(probe);
    expect(probe.upstream).toMatchObject({ provider: 'first', status: 200 });
    expect(c.circuits.states().first).toBe('closed');
    await c.run(exchange([target('first'), target('second')]));
    expect(first.requests).toHaveLength(4);
    expect(second.requests).toHaveLength(2);
  });

  it('a failed probe opens the circuit again for a full cool-down', async () => {
    const c = setup();
    first.setBehaviour({ failStatus: 500 });
    for (let i = 0; i < 2; i++) await c.run(exchange([target('first'), target('second')]));
    c.advance(30_000);
    await c.run(exchange([target('first'), target('second')]));
    expect(first.requests).toHaveLength(3);
    c.advance(29_000);
    await c.run(exchange([target('first'), target('second')]));
    expect(first.requests).toHaveLength(3);
    expect(c.circuits.states().first).toBe('open');
  });

  it('counts refused connections; never opens on 4xx answers', async () => {
    const c = setup();
    for (let i = 0; i < 2; i++) await c.run(exchange([target('dead'), target('second')]));
    expect(c.circuits.states().dead).toBe('open');
    first.setBehaviour({ failStatus: 400 });
    for (let i = 0; i < 5; i++) await failure(c.run(exchange([target('first'), target('second')])));
    expect(first.requests).toHaveLength(5);
    expect(c.circuits.states().first).toBe('closed');
  });

  it('can be turned off', async () => {
    const stage = createForwardStage(adapters, { circuits: false });
    first.setBehaviour({ failStatus: 500 });
    for (let i = 0; i < 8; i++) await stage(exchange([target('first'), target('second')]), async () => {});
    expect(first.requests).toHaveLength(8);
  });
});

describe('droppedFields', () => {
  it('names what an upstream of the other dialect cannot take', () => {
    const chat = parseMessagesRequest({
      model: 'm',
      max_tokens: 5,
      top_k: 3,
      thinking: { type: 'enabled', budget_tokens: 100 },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(droppedFields(chat, 'anthropic')).toEqual([]);
    expect(droppedFields(chat, 'openai')).toEqual(['thinking', 'top_k']);
    const fromOpenAI = { ...chat, extra: { seed: 1 }, extraDialect: 'openai' as const, n: 2, logprobs: true };
    expect(droppedFields(fromOpenAI, 'anthropic')).toEqual(['logprobs', 'seed']);
    expect(droppedFields(fromOpenAI, 'openai')).toEqual([]);
  });
});

describe('isFallbackError', () => {
  it('accepts exactly unreachable, timeout, 429 and 5xx upstream errors', () => {
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_UNREACHABLE', 'x'))).toBe(true);
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_TIMEOUT', 'x'))).toBe(true);
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 429 }))).toBe(true);
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 500 }))).toBe(true);
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 404 }))).toBe(false);
    expect(isFallbackError(new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', 'x'))).toBe(false);
    expect(isFallbackError(new Error('x'))).toBe(false);
  });
});

describe('forward stage across dialects, with the registry and router', () => {
  it('falls back from a failing Anthropic provider to an OpenAI one, translating the request', async () => {
    const openai = await startFakeOpenAI();
    const config = validateConfig({
      providers: [
        { name: 'anth', type: 'anthropic', base_url: first.url, api_key: 'k1', region: 'eu' },
        { name: 'oai', type: 'openai', base_url: openai.url, api_key: 'k2', region: 'eu' },
      ],
      models: [
        {
          name: 'public-name',
          provider: 'anth',
          model: 'claude-up',
          fallbacks: [{ provider: 'oai', model: 'gpt-up' }],
        },
      ],
    });
    const registry = createProviderRegistry(config);
    try {
      first.setBehaviour({ failStatus: 529 });
      const ex = exchange([]);
      ex.route = createRouter(config).plan('public-name', 'chat');
      await createForwardStage(registry)(ex, async () => {});
      expect(first.requests).toHaveLength(1);
      expect(openai.requests).toHaveLength(1);
      expect(openai.requests[0]!.path).toBe('/v1/chat/completions');
      expect((openai.requests[0]!.body as { model: string }).model).toBe('gpt-up');
      if (ex.result?.kind !== 'chat') throw new Error('expected a chat result');
      expect(ex.result.response.text).toBe('hello upstream');
      expect(ex.result.response.model).toBe('public-name');
      expect(ex.upstream).toMatchObject({ provider: 'oai', upstreamModel: 'gpt-up', attempts: 2, status: 200 });
    } finally {
      await closeProviderRegistry(registry);
      await openai.close();
    }
  });
});

describe('circuit thresholds from the provider config', () => {
  it('defaults to 5 failures within 60 s and a 30 s cool-down', () => {
    const p = providerSchema.parse({ name: 'x', type: 'openai', base_url: 'http://127.0.0.1:1/v1', region: 'eu' });
    expect(p.circuit).toEqual({ failure_threshold: 5, window_ms: 60_000, cool_down_ms: 30_000 });
    expect(circuitOptionsOf(p.circuit)).toEqual({ failureThreshold: 5, windowMs: 60_000, coolDownMs: 30_000 });
  });

  it('refuses thresholds below 1 and unknown keys', () => {
    const base = { name: 'x', type: 'openai', base_url: 'http://127.0.0.1:1/v1', region: 'eu' };
    expect(providerSchema.safeParse({ ...base, circuit: { failure_threshold: 0 } }).success).toBe(false);
    expect(providerSchema.safeParse({ ...base, circuit: { cooldown: 5 } }).success).toBe(false);
  });

  it("each provider's breaker uses its own configured threshold and cool-down", async () => {
    let t = 9_000_000;
    const own = new Map<string, ProviderAdapter>();
    const make = (name: string, url: string, circuit: Record<string, number>) =>
      createAnthropicAdapter(
        providerSchema.parse({ name, type: 'anthropic', base_url: url, api_key: 'k', region: 'eu', circuit }),
      );
    own.set('first', make('first', first.url, { failure_threshold: 1, cool_down_ms: 5_000 }));
    own.set('second', make('second', second.url, { failure_threshold: 3 }));
    const circuits = new CircuitBreakers({ now: () => t });
    const stage = createForwardStage(own, { circuits });
    const run = (ts: Target[]) => stage(exchange(ts), async () => {}).catch(() => undefined);
    first.setBehaviour({ failStatus: 500 });
    second.setBehaviour({ failStatus: 500 });
    await run([target('first')]);
    expect(circuits.states().first).toBe('open');
    for (let i = 0; i < 2; i++) await run([target('second')]);
    expect(circuits.states().second).toBe('closed');
    await run([target('second')]);
    expect(circuits.states().second).toBe('open');
    t += 4_999;
    expect(circuits.states().first).toBe('open');
    t += 1;
    expect(circuits.states().first).toBe('half-open');
    for (const a of own.values()) await a.close();
  });

  it("an upstream rejecting the gateway's key (401) falls back to the next target and counts as a failure", async () => {
    const circuits = new CircuitBreakers({ failureThreshold: 2 });
    const stage = createForwardStage(adapters, { circuits });
    first.setBehaviour({ failStatus: 401 });
    const ex = exchange([target('first'), target('second')]);
    await stage(ex, async () => {});
    expect(ex.upstream).toMatchObject({ provider: 'second', status: 200, attempts: 2 });
    expect(ex.decisions[0]?.reasons[0]).toBe(
      'provider "first" failed (PCX_UPSTREAM_AUTH, 502); trying the next target',
    );
    await stage(exchange([target('first'), target('second')]), async () => {});
    expect(circuits.states().first).toBe('open');
  });
});
