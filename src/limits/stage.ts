import { randomUUID } from 'node:crypto';
import type { LimitsConfig } from '../config/limits.js';
import { PortcullisError } from '../core/errors.js';
import type { Exchange } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';
import type { CounterStore } from './counters.js';
import { rateLimitHeaders } from './headers.js';
import { costMicros, spendPeriods } from './pricing.js';
import { CounterStoreError } from './redis-store.js';
import { allowedRegions } from './residency.js';
import { type Plan, planFor } from './rules.js';

export interface AdmitOptions {
  config: LimitsConfig;
  store: CounterStore;
  /** Input tokens of the request, estimated before the call. */
  estimateInputTokens: (ex: Exchange) => number;
  now?: () => number;
  /** Background errors (reconciliation after the answer) are reported here. */
  onError?: (err: unknown) => void;
}

function modelOf(ex: Exchange): string | undefined {
  if (ex.request.kind === 'chat') return ex.request.chat.model;
  if (ex.request.kind === 'embeddings') return ex.request.embeddings.model;
  return undefined;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The admit stage: data residency (which regions this request may use), then limits — requests and input
 * tokens per minute, a debt check on output tokens, concurrency slots and spend budgets — all taken
 * atomically from the counter store, and reconciled with the real usage when the exchange finishes.
 */
export function createAdmitStage(opts: AdmitOptions): Stage {
  const { config, store } = opts;
  const now = opts.now ?? Date.now;
  const report = opts.onError ?? (() => {});
  const failOpen = config.on_store_error === 'open';
  const limited = config.rules.length > 0;

  return async function admit(ex, next) {
    const p = ex.principal;
    const model = modelOf(ex);
    if (!p || model === undefined) return next();
    const origin = headerValue(ex.client.headers[config.residency.origin_header]);
    const regions = allowedRegions(config.residency, { tenant: p.tenant, keyId: p.keyId, origin });
    if (regions) ex.allowedRegions = regions;
    if (!limited) return next();

    const inputTokens = opts.estimateInputTokens(ex);
    const maxOut = ex.request.kind === 'chat' ? (ex.request.chat.maxTokens ?? config.reserve_output_tokens) : 0;
    const reserveMicros = costMicros(config.prices, model, inputTokens, maxOut);
    const plan = planFor(config, { tenant: p.tenant, keyId: p.keyId, model }, { inputTokens, reserveMicros }, now());
    let admitted: Admitted;
    try {
      admitted = await take(store, plan, config.lease_ms, now(), ex.responseHeaders);
    } catch (err) {
      if (!(err instanceof CounterStoreError)) throw err;
      if (!failOpen) {
        throw new PortcullisError(
          'PCX_DEPENDENCY_UNAVAILABLE',
          'limits cannot be checked: the counter store is unavailable',
          {
            retryAfter: 1,
          },
        );
      }
      ex.decisions.push({ stage: 'admit', action: 'log', reasons: ['limits_skipped_store_unavailable'] });
      return next();
    }
    ex.onFinish.push((done) => {
      settle(store, plan, admitted, done, config, model, reserveMicros).catch(report);
    });
    return next();
  };
}

interface Admitted {
  leases: Array<{ key: string; id: string }>;
}

/** Takes every counter of the plan or none; the rate-limit headers go to `headers` either way. */
async function take(
  store: CounterStore,
  plan: Plan,
  leaseMs: number,
  now: number,
  headers: Record<string, string>,
): Promise<Admitted> {
  const leases: Array<{ key: string; id: string }> = [];
  const releaseAll = () => Promise.all(leases.map((l) => store.release(l.key, l.id))).catch(() => undefined);
  for (const c of plan.concurrency) {
    const id = randomUUID();
    const acquired = await store.acquire(c.key, c.limit, id, leaseMs).catch(async (err) => {
      // A timed-out call may still have run in Redis: release this id too, or the slot stays taken until
      // its lease expires (releasing an id that was never added is harmless).
      await Promise.all([releaseAll(), store.release(c.key, id).catch(() => undefined)]);
      throw err;
    });
    if (!acquired) {
      await releaseAll();
      throw new PortcullisError('PCX_RATE_LIMITED', `too many concurrent requests (limit ${c.limit})`, {
        retryAfter: 1,
      });
    }
    leases.push({ key: c.key, id });
  }
  const buckets = [...plan.requestBuckets, ...plan.inputBuckets, ...plan.outputBuckets];
  const taken = await store.take(buckets).catch(async (err) => {
    await releaseAll();
    throw err;
  });
  const requestStates = taken.buckets.slice(0, plan.requestBuckets.length);
  const tokenStates = taken.buckets.slice(plan.requestBuckets.length);
  Object.assign(headers, rateLimitHeaders(requestStates, tokenStates));
  if (!taken.ok) {
    await releaseAll();
    const what = taken.key.endsWith(':rpm')
      ? 'requests'
      : taken.key.endsWith(':itpm')
        ? 'input tokens'
        : 'output tokens';
    throw new PortcullisError('PCX_RATE_LIMITED', `rate limit for ${what} per minute reached; retry later`, {
      retryAfter: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
      details: { limit: what },
    });
  }
  const reserved = await store.reserve(plan.spends).catch(async (err) => {
    await releaseAll();
    throw err;
  });
  if (!reserved.ok) {
    await releaseAll();
    await store.adjust(refunds(plan)).catch(() => undefined);
    const periods = spendPeriods(now);
    const daily = reserved.key.includes(':usd:d:');
    throw new PortcullisError(
      'PCX_BUDGET_EXCEEDED',
      `the ${daily ? 'daily' : 'monthly'} spend budget of $${(reserved.budgetMicros / 1e6).toFixed(2)} is used up`,
      { retryAfter: Math.ceil((daily ? periods.dayEndsIn : periods.monthEndsIn) / 1000) },
    );
  }
  return { leases };
}

function refunds(plan: Plan) {
  return [...plan.requestBuckets, ...plan.inputBuckets].map((b) => ({
    key: b.key,
    capacity: b.capacity,
    periodMs: b.periodMs,
    delta: b.cost,
  }));
}

async function settle(
  store: CounterStore,
  plan: Plan,
  admitted: Admitted,
  ex: Exchange,
  config: LimitsConfig,
  model: string,
  reserveMicros: number,
): Promise<void> {
  await Promise.all(admitted.leases.map((l) => store.release(l.key, l.id)));
  const usage = ex.usage;
  if (!usage) {
    // No upstream answered (refused by a guard, every provider failed): nothing was spent, so the
    // reservation goes back. An answer without usage (a cut stream) keeps it: it may have been billed.
    if (ex.upstream?.status !== 200 && reserveMicros !== 0 && plan.spends.length > 0) {
      await store.settle(plan.spends.map((s) => ({ key: s.key, deltaMicros: -reserveMicros, ttlMs: s.ttlMs })));
    }
    return;
  }
  const adjustments = [
    ...plan.inputBuckets.map((b) => ({
      key: b.key,
      capacity: b.capacity,
      periodMs: b.periodMs,
      delta: b.cost - usage.inputTokens,
    })),
    ...plan.outputBuckets.map((b) => ({
      key: b.key,
      capacity: b.capacity,
      periodMs: b.periodMs,
      delta: -usage.outputTokens,
    })),
  ].filter((a) => a.delta !== 0);
  await store.adjust(adjustments);
  const actual = costMicros(config.prices, model, usage.inputTokens, usage.outputTokens);
  const delta = actual - reserveMicros;
  if (delta !== 0 && plan.spends.length > 0) {
    await store.settle(plan.spends.map((s) => ({ key: s.key, deltaMicros: delta, ttlMs: s.ttlMs })));
  }
}
