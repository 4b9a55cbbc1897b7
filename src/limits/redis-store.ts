import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { waitFor } from './bucket.js';
import type { BucketSpec, CounterStore, ReserveResult, SpendSpec, TakeResult } from './counters.js';
import { ACQUIRE, ADJUST, RESERVE, SETTLE, TAKE } from './redis-scripts.js';

export class CounterStoreError extends Error {
  override readonly name = 'CounterStoreError';
  readonly code = 'PCX_COUNTER_STORE_UNAVAILABLE';
}

type Script = (numKeys: number, ...args: Array<string | number>) => Promise<unknown>;

/** ioredis (about 20 MB of resident memory) is loaded only by a gateway configured with Redis. */
function redisClass(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as { Redis: typeof Redis }).Redis;
}

export interface RedisCounterOptions {
  url: string;
  /** Prefix of every key, so several deployments can share one Redis. */
  prefix?: string;
  commandTimeoutMs?: number;
}

/**
 * Counters shared by every gateway process, exact because each operation is one Lua script. Commands fail
 * fast while Redis is down (no offline queue) and the client reconnects on its own, so the gateway recovers
 * without a restart. All keys carry one hash tag so multi-key scripts also run on Redis Cluster.
 */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly scripts: Record<'take' | 'adjust' | 'acquire' | 'reserve' | 'settle', Script>;

  constructor(opts: RedisCounterOptions) {
    this.prefix = `${opts.prefix ?? 'pcx'}:{limits}:`;
    const RedisClient = redisClass();
    this.redis = new RedisClient(opts.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
      lazyConnect: false,
    });
    this.redis.on('error', () => {
      /* reported per command; the client keeps reconnecting */
    });
    const define = (name: string, lua: string): Script => {
      this.redis.defineCommand(name, { lua });
      const fn = (this.redis as unknown as Record<string, Script>)[name]!;
      return fn.bind(this.redis);
    };
    this.scripts = {
      take: define('pcxTake', TAKE),
      adjust: define('pcxAdjust', ADJUST),
      acquire: define('pcxAcquire', ACQUIRE),
      reserve: define('pcxReserve', RESERVE),
      settle: define('pcxSettle', SETTLE),
    };
  }

  /** Resolves once connected; rejects with CounterStoreError after `timeoutMs`. */
  async ready(timeoutMs = 3000): Promise<void> {
    if (this.redis.status === 'ready') return;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      await once(this.redis, 'ready', { signal: ac.signal });
    } catch {
      throw new CounterStoreError(`the counter store (Redis) did not answer within ${timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
    }
  }

  async take(specs: readonly BucketSpec[]): Promise<TakeResult> {
    if (specs.length === 0) return { ok: true, buckets: [] };
    const args = specs.flatMap((s) => [s.capacity, s.periodMs, s.cost]);
    const out = (await this.call(() =>
      this.scripts.take(specs.length, ...specs.map((s) => this.prefix + s.key), ...args),
    )) as Array<number | string>;
    const levels = out.slice(3).map(Number);
    const buckets = specs.map((s, i) => ({
      key: s.key,
      capacity: s.capacity,
      remaining: levels[i]!,
      resetMs: waitFor(levels[i]!, s.capacity, s.capacity, s.periodMs),
    }));
    if (Number(out[0]) === 1) return { ok: true, buckets };
    return { ok: false, retryAfterMs: Number(out[1]), key: specs[Number(out[2]) - 1]!.key, buckets };
  }

  async adjust(adjustments: ReadonlyArray<{ key: string; capacity: number; periodMs: number; delta: number }>) {
    if (adjustments.length === 0) return;
    await this.call(() =>
      this.scripts.adjust(
        adjustments.length,
        ...adjustments.map((a) => this.prefix + a.key),
        ...adjustments.flatMap((a) => [a.capacity, a.periodMs, a.delta]),
      ),
    );
  }

  async acquire(key: string, limit: number, leaseId: string, leaseMs: number): Promise<boolean> {
    const out = await this.call(() => this.scripts.acquire(1, this.prefix + key, limit, leaseId, leaseMs));
    return Number(out) === 1;
  }

  async release(key: string, leaseId: string): Promise<void> {
    await this.call(() => this.redis.zrem(this.prefix + key, leaseId));
  }

  async reserve(specs: readonly SpendSpec[]): Promise<ReserveResult> {
    if (specs.length === 0) return { ok: true };
    const out = (await this.call(() =>
      this.scripts.reserve(
        specs.length,
        ...specs.map((s) => this.prefix + s.key),
        ...specs.flatMap((s) => [s.budgetMicros, s.reserveMicros, s.ttlMs]),
      ),
    )) as Array<number | string>;
    if (Number(out[0]) === 1) return { ok: true };
    const s = specs[Number(out[1]) - 1]!;
    return { ok: false, key: s.key, spentMicros: Number(out[2]), budgetMicros: s.budgetMicros };
  }

  async settle(spends: ReadonlyArray<{ key: string; deltaMicros: number; ttlMs: number }>): Promise<void> {
    if (spends.length === 0) return;
    await this.call(() =>
      this.scripts.settle(
        spends.length,
        ...spends.map((s) => this.prefix + s.key),
        ...spends.flatMap((s) => [Math.round(s.deltaMicros), s.ttlMs]),
      ),
    );
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new CounterStoreError(`the counter store (Redis) is unavailable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
