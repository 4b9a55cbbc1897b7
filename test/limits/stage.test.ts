import { describe, expect, it } from 'vitest';
import { limitsSchema } from '../../src/config/limits.js';
import type { ChatRequest } from '../../src/core/chat.js';
import { isPortcullisError, type PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange, finishExchange } from '../../src/core/exchange.js';
import { compose } from '../../src/core/stage.js';
import { MemoryCounterStore } from '../../src/limits/memory-store.js';
import { RedisCounterStore } from '../../src/limits/redis-store.js';
import { createAdmitStage } from '../../src/limits/stage.js';

function chat(model: string, maxTokens?: number): ChatRequest {
  return {
    model,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
    stream: false,
    maxTokens,
    extra: {},
    extraDialect: 'openai',
  };
}

function exchange(
  opts: { tenant?: string; key?: string; model?: string; headers?: Record<string, string>; maxTokens?: number } = {},
): Exchange {
  const ex = createExchange({
    id: 'req_test',
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '127.0.0.1', userAgent: 'test', headers: opts.headers ?? {} },
    signal: new AbortController().signal,
    request: { kind: 'chat', chat: chat(opts.model ?? 'm1', opts.maxTokens) },
  });
  ex.principal = { tenant: opts.tenant ?? 'acme', keyId: opts.key ?? 'key_1', models: null };
  return ex;
}

async function run(
  stage: ReturnType<typeof createAdmitStage>,
  ex: Exchange,
  usage?: { inputTokens: number; outputTokens: number },
) {
  const pipeline = compose([
    stage,
    async (e) => {
      if (usage) e.usage = usage;
    },
  ]);
  try {
    await pipeline(ex);
    return undefined;
  } finally {
    finishExchange(ex, () => {});
    await new Promise((r) => setImmediate(r));
  }
}

async function refusal(p: Promise<unknown>): Promise<PortcullisError> {
  try {
    await p;
  } catch (err) {
    if (isPortcullisError(err)) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('admit stage', () => {
  it('refuses the request over the per-key rpm with 429, Retry-After and x-ratelimit headers', async () => {
    const config = limitsSchema.parse({ rules: [{ scope: 'key', requests_per_minute: 2 }] });
    const stage = createAdmitStage({ config, store: new MemoryCounterStore(), estimateInputTokens: () => 10 });
    const first = exchange();
    await run(stage, first);
    expect(first.responseHeaders['x-ratelimit-limit-requests']).toBe('2');
    expect(first.responseHeaders['x-ratelimit-remaining-requests']).toBe('1');
    await run(stage, exchange());
    const ex = exchange();
    const err = await refusal(run(stage, ex));
    expect(err.code).toBe('PCX_RATE_LIMITED');
    expect(err.retryAfter).toBeGreaterThanOrEqual(29);
    expect(ex.responseHeaders['x-ratelimit-remaining-requests']).toBe('0');
    // another key of the same tenant has its own counter
    await run(stage, exchange({ key: 'key_2' }));
  });

  it('a tenant rule is shared by the tenant’s keys; a model rule only counts that model', async () => {
    const config = limitsSchema.parse({
      rules: [
        { scope: 'tenant', requests_per_minute: 2 },
        { scope: 'model', model: 'big', requests_per_minute: 1 },
      ],
    });
    const stage = createAdmitStage({ config, store: new MemoryCounterStore(), estimateInputTokens: () => 1 });
    await run(stage, exchange({ key: 'a', model: 'big' }));
    expect((await refusal(run(stage, exchange({ key: 'b', model: 'big' })))).code).toBe('PCX_RATE_LIMITED');
    await run(stage, exchange({ key: 'b', model: 'small' }));
    expect((await refusal(run(stage, exchange({ key: 'c', model: 'small' })))).code).toBe('PCX_RATE_LIMITED');
    await run(stage, exchange({ tenant: 'other', model: 'small' }));
  });

  it('input tokens are estimated before the call; output tokens reconciled after it put the key in debt', async () => {
    const config = limitsSchema.parse({
      rules: [{ scope: 'key', input_tokens_per_minute: 1000, output_tokens_per_minute: 500 }],
    });
    const stage = createAdmitStage({ config, store: new MemoryCounterStore(), estimateInputTokens: () => 400 });
    await run(stage, exchange(), { inputTokens: 400, outputTokens: 600 });
    const err = await refusal(run(stage, exchange()));
    expect(err.code).toBe('PCX_RATE_LIMITED');
    expect(err.message).toContain('output tokens');
  });

  it('concurrency slots are released when the exchange finishes', async () => {
    const config = limitsSchema.parse({ rules: [{ scope: 'key', concurrent: 1 }] });
    const store = new MemoryCounterStore();
    const stage = createAdmitStage({ config, store, estimateInputTokens: () => 1 });
    const held = exchange();
    await compose([stage])(held); // admitted, not finished yet
    expect((await refusal(run(stage, exchange()))).code).toBe('PCX_RATE_LIMITED');
    finishExchange(held, () => {});
    await new Promise((r) => setImmediate(r));
    await run(stage, exchange());
  });

  it('a daily budget reserves the worst case and settles to the real cost', async () => {
    const config = limitsSchema.parse({
      rules: [{ scope: 'tenant', budget_usd_per_day: 1 }],
      prices: { m1: { input_per_mtok: 1000, output_per_mtok: 2000 } },
    });
    // per request: reserved 100 input ($0.10) + 200 max output ($0.40) = $0.50; actual 100 + 50 output = $0.20
    const stage = createAdmitStage({ config, store: new MemoryCounterStore(), estimateInputTokens: () => 100 });
    for (let i = 0; i < 3; i++) await run(stage, exchange({ maxTokens: 200 }), { inputTokens: 100, outputTokens: 50 });
    // $0.60 spent: a small request still fits ($0.60 + $0.10 + 1 output token)…
    await run(stage, exchange({ maxTokens: 1 }), { inputTokens: 100, outputTokens: 1 });
    // …but $0.70 + a $0.50 reservation does not
    const err = await refusal(run(stage, exchange({ maxTokens: 200 })));
    expect(err.code).toBe('PCX_BUDGET_EXCEEDED');
    expect(err.status).toBe(429);
    expect(err.message).toContain('$1.00');
  });

  it('sets the allowed regions from residency rules', async () => {
    const config = limitsSchema.parse({ residency: { tenants: { acme: ['eu'] } } });
    const stage = createAdmitStage({ config, store: new MemoryCounterStore(), estimateInputTokens: () => 1 });
    const ex = exchange();
    await run(stage, ex);
    expect(ex.allowedRegions).toEqual(['eu']);
  });

  it('fails closed with 503 when the counter store is down, or open when configured', async () => {
    const rules = [{ scope: 'key', requests_per_minute: 10 }];
    const down = new RedisCounterStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 100 });
    try {
      const closed = createAdmitStage({
        config: limitsSchema.parse({ rules }),
        store: down,
        estimateInputTokens: () => 1,
      });
      const err = await refusal(run(closed, exchange()));
      expect(err.code).toBe('PCX_DEPENDENCY_UNAVAILABLE');
      expect(err.status).toBe(503);
      const open = createAdmitStage({
        config: limitsSchema.parse({ rules, on_store_error: 'open' }),
        store: down,
        estimateInputTokens: () => 1,
      });
      const ex = exchange();
      await run(open, ex);
      expect(ex.decisions.map((d) => d.reasons[0])).toContain('limits_skipped_store_unavailable');
    } finally {
      await down.close();
    }
  });
});
