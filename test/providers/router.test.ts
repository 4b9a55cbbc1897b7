import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange, type ExchangeRequest } from '../../src/core/exchange.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { closeProviderRegistry, createProviderRegistry } from '../../src/providers/registry.js';
import { createRouteStage } from '../../src/providers/route-stage.js';
import { createRouter, listModels, weightedOrder } from '../../src/providers/router.js';

const config = validateConfig({
  providers: [
    { name: 'eu1', type: 'anthropic', base_url: 'https://eu1.example/v1', region: 'eu' },
    { name: 'us1', type: 'openai', base_url: 'https://us1.example/v1', region: 'us' },
    { name: 'eu2', type: 'openai', base_url: 'https://eu2.example/v1', region: 'eu' },
  ],
  models: [
    {
      name: 'smart',
      provider: 'eu1',
      model: 'claude-a',
      weight: 3,
      fallbacks: ['cheap', { provider: 'eu2', model: 'direct-x' }],
    },
    { name: 'smart', provider: 'us1', model: 'gpt-a', weight: 1 },
    { name: 'cheap', provider: 'us1', model: 'gpt-mini' },
    { name: 'cheap', provider: 'eu2', model: 'mini-eu', region: 'ch' },
    { name: 'vectors', provider: 'eu2', model: 'embed-1', kind: 'embeddings' },
    { name: 'loop', provider: 'eu1', model: 'l1', fallbacks: ['loop2'] },
    { name: 'loop2', provider: 'us1', model: 'l2', fallbacks: ['loop'] },
  ],
});

/** A fixed sequence of random numbers, so a weighted draw is predictable. */
function seq(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

function ids(targets: ReadonlyArray<{ provider: string; upstreamModel: string }>): string[] {
  return targets.map((t) => `${t.provider}/${t.upstreamModel}`);
}

function thrown(fn: () => unknown): PortcullisError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PortcullisError);
    return err as PortcullisError;
  }
  throw new Error('expected a PortcullisError');
}

describe('weightedOrder', () => {
  it('picks in proportion to weight, then the rest', () => {
    const items = [
      { id: 'a', weight: 3 },
      { id: 'b', weight: 1 },
    ];
    // total 4: r=0 → 0 < 3 → a; r=0.8·4=3.2 → past a (3), within b
    expect(weightedOrder(items, seq(0)).map((i) => i.id)).toEqual(['a', 'b']);
    expect(weightedOrder(items, seq(0.8)).map((i) => i.id)).toEqual(['b', 'a']);
    expect(weightedOrder(items, seq(0.74)).map((i) => i.id)).toEqual(['a', 'b']); // 2.96 < 3
    expect(weightedOrder(items, seq(0.76)).map((i) => i.id)).toEqual(['b', 'a']); // 3.04 ≥ 3
  });

  it('over many draws from a seeded generator, shares match the weights', () => {
    let state = 12345;
    const lcg = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const items = [
      { id: 'a', weight: 3 },
      { id: 'b', weight: 1 },
    ];
    let a = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (weightedOrder(items, lcg)[0]!.id === 'a') a++;
    expect(a / n).toBeGreaterThan(0.72);
    expect(a / n).toBeLessThan(0.78);
  });
});

describe('createRouter.plan', () => {
  const router = createRouter(config);

  it('orders the weighted group, then the fallbacks (names expanded, pairs direct), with regions', () => {
    const plan = router.plan('smart', 'chat', undefined, seq(0));
    expect(plan.model).toBe('smart');
    expect(plan.targets).toEqual([
      { provider: 'eu1', upstreamModel: 'claude-a', region: 'eu', weight: 3 },
      { provider: 'us1', upstreamModel: 'gpt-a', region: 'us', weight: 1 },
      { provider: 'us1', upstreamModel: 'gpt-mini', region: 'us', weight: 1 },
      { provider: 'eu2', upstreamModel: 'mini-eu', region: 'ch', weight: 1 },
      { provider: 'eu2', upstreamModel: 'direct-x', region: 'eu', weight: 1 },
    ]);
    expect(ids(router.plan('smart', 'chat', undefined, seq(0.9)).targets).slice(0, 2)).toEqual([
      'us1/gpt-a',
      'eu1/claude-a',
    ]);
  });

  it('removes targets outside the allowed regions', () => {
    const plan = router.plan('smart', 'chat', ['eu', 'ch'], seq(0));
    expect(ids(plan.targets)).toEqual(['eu1/claude-a', 'eu2/mini-eu', 'eu2/direct-x']);
  });

  it('refuses with PCX_REGION_NOT_ALLOWED, naming the regions, when nothing is left', () => {
    const err = thrown(() => router.plan('cheap', 'chat', ['cn']));
    expect(err.code).toBe('PCX_REGION_NOT_ALLOWED');
    expect(err.status).toBe(403);
    expect(err.message).toContain('cn');
    expect(err.message).toContain('us');
    expect(err.message).toContain('ch');
  });

  it('refuses an unknown model with PCX_MODEL_NOT_FOUND naming it', () => {
    const err = thrown(() => router.plan('nope-model', 'chat'));
    expect(err.code).toBe('PCX_MODEL_NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.message).toContain('"nope-model"');
    expect(thrown(() => router.plan('x'.repeat(10_000), 'chat')).message.length).toBeLessThan(400);
  });

  it('keeps chat and embeddings models apart', () => {
    expect(ids(router.plan('vectors', 'embeddings').targets)).toEqual(['eu2/embed-1']);
    expect(thrown(() => router.plan('vectors', 'chat')).code).toBe('PCX_MODEL_NOT_FOUND');
    expect(thrown(() => router.plan('smart', 'embeddings')).message).toContain('chat model');
  });

  it('follows fallbacks one level only, so a cycle in the config ends', () => {
    expect(ids(router.plan('loop', 'chat').targets)).toEqual(['eu1/l1', 'us1/l2']);
  });

  it('with no models configured, sends any name to the first provider as is', () => {
    const bare = createRouter(
      validateConfig({
        providers: [{ name: 'only', type: 'openai', base_url: 'http://127.0.0.1:1/v1', region: 'local' }],
      }),
    );
    expect(bare.plan('llama3:8b', 'chat')).toEqual({
      model: 'llama3:8b',
      targets: [{ provider: 'only', upstreamModel: 'llama3:8b', region: 'local', weight: 1 }],
    });
    expect(thrown(() => bare.plan('llama3:8b', 'chat', ['eu'])).code).toBe('PCX_REGION_NOT_ALLOWED');
  });
});

describe('listModels', () => {
  it('lists each public name once, in the OpenAI list shape', () => {
    const all = listModels(config, { models: null });
    expect(all.object).toBe('list');
    expect(all.data.map((m) => m.id)).toEqual(['smart', 'cheap', 'vectors', 'loop', 'loop2']);
    expect(all.data[0]).toEqual({ id: 'smart', object: 'model', created: 0, owned_by: 'portcullis' });
  });

  it('shows a restricted key only its models', () => {
    expect(listModels(config, { models: ['cheap', 'unknown'] }).data.map((m) => m.id)).toEqual(['cheap']);
    expect(listModels(config, { models: [] }).data).toEqual([]);
  });
});

function exchange(request: ExchangeRequest, models: string[] | null, allowedRegions?: string[]): Exchange {
  const ex = createExchange({
    id: 'ex1',
    dialect: 'anthropic',
    endpoint: 'messages',
    client: { ip: '127.0.0.1', userAgent: undefined, headers: {} },
    signal: new AbortController().signal,
    request,
  });
  ex.principal = { tenant: 't', keyId: 'k', models };
  if (allowedRegions) ex.allowedRegions = allowedRegions;
  return ex;
}

const chat = (model: string): ExchangeRequest => ({
  kind: 'chat',
  chat: { model, system: [], messages: [], stream: false, extra: {}, extraDialect: 'anthropic' },
});

describe('createRouteStage', () => {
  const stage = createRouteStage(createRouter(config), seq(0));

  it('sets the route for an allowed model, honouring allowed regions, and continues', async () => {
    const ex = exchange(chat('smart'), ['smart'], ['us']);
    let called = false;
    await stage(ex, async () => {
      called = true;
    });
    expect(called).toBe(true);
    expect(ex.route?.model).toBe('smart');
    expect(ids(ex.route!.targets)).toEqual(['us1/gpt-a', 'us1/gpt-mini']);
  });

  it('routes embeddings requests by their model', async () => {
    const ex = exchange({ kind: 'embeddings', embeddings: { model: 'vectors', input: ['a'], extra: {} } }, null);
    await stage(ex, async () => {});
    expect(ids(ex.route!.targets)).toEqual(['eu2/embed-1']);
  });

  it('refuses a model the key may not use with PCX_MODEL_NOT_ALLOWED before routing', async () => {
    const ex = exchange(chat('smart'), ['cheap']);
    const err = await stage(ex, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortcullisError);
    expect((err as PortcullisError).code).toBe('PCX_MODEL_NOT_ALLOWED');
    expect((err as PortcullisError).status).toBe(403);
    expect(ex.route).toBeUndefined();
  });

  it('passes requests without a model straight through', async () => {
    const ex = exchange({ kind: 'none' }, null);
    let called = false;
    await stage(ex, async () => {
      called = true;
    });
    expect(called).toBe(true);
    expect(ex.route).toBeUndefined();
  });
});

describe('createProviderRegistry', () => {
  it('builds one adapter per provider with the factory for its type; Anthropic by default', async () => {
    const made: string[] = [];
    const openai = (p: { name: string }): ProviderAdapter => {
      made.push(p.name);
      return {
        name: p.name,
        type: 'openai',
        chat: () => Promise.reject(new Error('unused')),
        stream: () => Promise.reject(new Error('unused')),
        close: () => Promise.resolve(),
      };
    };
    const registry = createProviderRegistry(config, { openai });
    expect([...registry.keys()]).toEqual(['eu1', 'us1', 'eu2']);
    expect(made).toEqual(['us1', 'eu2']);
    expect(registry.get('eu1')?.type).toBe('anthropic');
    await closeProviderRegistry(registry);
  });
});
