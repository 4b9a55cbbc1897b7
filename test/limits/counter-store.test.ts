import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../../src/limits/counters.js';
import { MemoryCounterStore } from '../../src/limits/memory-store.js';
import { CounterStoreError, RedisCounterStore } from '../../src/limits/redis-store.js';

const REDIS_URL = process.env.PORTCULLIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUp(): Promise<boolean> {
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const up = await redisUp();
if (!up && process.env.CI) throw new Error(`Redis is required in CI at ${REDIS_URL}`);

const backends: Array<[string, () => CounterStore]> = [['memory', () => new MemoryCounterStore()]];
if (up) backends.push(['redis', () => new RedisCounterStore({ url: REDIS_URL, prefix: `pcxtest-${randomUUID()}` })]);

describe.each(backends)('counter store conformance: %s', (_name, make) => {
  let store: CounterStore;
  beforeAll(async () => {
    store = make();
    await store.ready();
  });
  afterAll(async () => {
    await store.close();
  });

  it('takes from a full bucket until it is empty, then refuses with a wait', async () => {
    const spec = { key: `b-${randomUUID()}`, capacity: 3, periodMs: 60_000, cost: 1 };
    for (let i = 0; i < 3; i++) expect((await store.take([spec])).ok).toBe(true);
    const r = await store.take([spec]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // one token refills in 60000/3 ms; a little has already refilled since the takes
      expect(r.retryAfterMs).toBeGreaterThan(15_000);
      expect(r.retryAfterMs).toBeLessThanOrEqual(20_000);
      expect(r.key).toBe(spec.key);
    }
  });

  it('is all-or-nothing across buckets', async () => {
    const a = { key: `a-${randomUUID()}`, capacity: 10, periodMs: 60_000, cost: 4 };
    const b = { key: `b-${randomUUID()}`, capacity: 5, periodMs: 60_000, cost: 4 };
    expect((await store.take([a, b])).ok).toBe(true);
    const second = await store.take([a, b]);
    expect(second.ok).toBe(false);
    // a was not charged by the refused take: 6 tokens left, so 6 more fit when b is not involved
    expect((await store.take([{ ...a, cost: 6 }])).ok).toBe(true);
  });

  it('a zero-cost check passes until the bucket is in debt, and adjust puts it there', async () => {
    const key = `o-${randomUUID()}`;
    const spec = { key, capacity: 100, periodMs: 60_000, cost: 0 };
    expect((await store.take([spec])).ok).toBe(true);
    await store.adjust([{ key, capacity: 100, periodMs: 60_000, delta: -150 }]);
    const r = await store.take([spec]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.buckets[0]!.remaining).toBeLessThan(0);
  });

  it('holds at most `limit` concurrency slots and frees them on release', async () => {
    const key = `c-${randomUUID()}`;
    expect(await store.acquire(key, 2, 'x', 60_000)).toBe(true);
    expect(await store.acquire(key, 2, 'y', 60_000)).toBe(true);
    expect(await store.acquire(key, 2, 'z', 60_000)).toBe(false);
    await store.release(key, 'x');
    expect(await store.acquire(key, 2, 'z', 60_000)).toBe(true);
  });

  it('an expired lease frees its slot', async () => {
    const key = `e-${randomUUID()}`;
    expect(await store.acquire(key, 1, 'x', 30)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.acquire(key, 1, 'y', 60_000)).toBe(true);
  });

  it('reserves against budgets all-or-nothing and settles to the actual cost', async () => {
    const day = { key: `d-${randomUUID()}`, budgetMicros: 1000, reserveMicros: 600, ttlMs: 60_000 };
    const month = { key: `m-${randomUUID()}`, budgetMicros: 5000, reserveMicros: 600, ttlMs: 60_000 };
    expect((await store.reserve([day, month])).ok).toBe(true);
    const refused = await store.reserve([day, month]);
    expect(refused).toEqual({ ok: false, key: day.key, spentMicros: 600, budgetMicros: 1000 });
    await store.settle([
      { key: day.key, deltaMicros: -500, ttlMs: 60_000 },
      { key: month.key, deltaMicros: -500, ttlMs: 60_000 },
    ]);
    // 100 spent of 1000 now: another 600 fits
    expect((await store.reserve([day, month])).ok).toBe(true);
  });

  it('concurrent takes never exceed the capacity', async () => {
    const spec = { key: `p-${randomUUID()}`, capacity: 50, periodMs: 3_600_000, cost: 1 };
    const results = await Promise.all(Array.from({ length: 200 }, () => store.take([spec])));
    expect(results.filter((r) => r.ok).length).toBe(50);
  });
});

describe('redis counter store faults', () => {
  it('fails fast with CounterStoreError when Redis is unreachable', async () => {
    const store = new RedisCounterStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
    await expect(store.take([{ key: 'x', capacity: 1, periodMs: 1000, cost: 1 }])).rejects.toBeInstanceOf(
      CounterStoreError,
    );
    await store.close();
  });
});
