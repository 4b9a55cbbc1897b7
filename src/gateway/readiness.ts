/**
 * Readiness (`GET /readyz`): every dependency a request needs answers. The database always; Redis too when
 * it holds the counters (`storage.redis_url`), since with it down limited requests are refused (fail-closed)
 * and a load balancer should send traffic to a process that can serve it.
 */
import type { CounterStore } from '../limits/counters.js';

/** How long /readyz waits for Redis before reporting not ready. */
export const REDIS_READY_TIMEOUT_MS = 1000;

export interface ReadinessDeps {
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  database(): Promise<unknown>;
  counters: Pick<CounterStore, 'kind' | 'ready'>;
  redisTimeoutMs?: number;
}

export function createReadiness(deps: ReadinessDeps): () => Promise<boolean> {
  const timeout = deps.redisTimeoutMs ?? REDIS_READY_TIMEOUT_MS;
  return async function ready(): Promise<boolean> {
    const checks: Array<Promise<unknown>> = [deps.database()];
    if (deps.counters.kind === 'redis') checks.push(deps.counters.ready(timeout));
    const results = await Promise.allSettled(checks);
    return results.every((r) => r.status === 'fulfilled');
  };
}
