/**
 * Two admit-stage faults found while running limits across processes under load:
 * - a concurrency acquire that ran in Redis but timed out in the client left its slot taken until the
 *   lease expired (10 minutes by default);
 * - a request admitted against a spend budget that then got no answer (a guard refused it, or every
 *   provider failed) kept its whole reservation, so refused requests used up the budget.
 */
import { describe, expect, it } from 'vitest';
import { limitsSchema } from '../../src/config/limits.js';
import { isPortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange, finishExchange } from '../../src/core/exchange.js';
import { compose } from '../../src/core/stage.js';
import { MemoryCounterStore } from '../../src/limits/memory-store.js';
import { CounterStoreError } from '../../src/limits/redis-store.js';
import { createAdmitStage } from '../../src/limits/stage.js';

function exchange(maxTokens = 10): Exchange {
  const ex = createExchange({
    id: 'req_fault',
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '127.0.0.1', userAgent: 'test', headers: {} },
    signal: new AbortController().signal,
    request: {
      kind: 'chat',
      chat: {
        model: 'm1',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
        stream: false,
        maxTokens,
        extra: {},
        extraDialect: 'openai',
      },
    },
  });
  ex.principal = { tenant: 'acme', keyId: 'key_1', models: null };
  return ex;
}

/** Runs admit, then `after` as the rest of the pipeline; returns the error code, if any. */
async function run(stage: ReturnType<typeof createAdmitStage>, ex: Exchange, after: (ex: Exchange) => void) {
  let code: string | undefined;
  try {
    await compose([stage, async (e) => after(e)])(ex);
  } catch (err) {
    if (!isPortcullisError(err)) throw err;
    code = err.code;
  } finally {
    finishExchange(ex, () => {});
    // settle runs in the background after onFinish
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
  return code;
}

/** A store whose next acquire runs and then fails, as a Redis call that timed out after executing does. */
class TimeoutAfterAcquire extends MemoryCounterStore {
  failNext = false;
  override async acquire(key: string, limit: number, leaseId: string, leaseMs: number): Promise<boolean> {
    const ok = await super.acquire(key, limit, leaseId, leaseMs);
    if (this.failNext) {
      this.failNext = false;
      throw new CounterStoreError('the counter store (Redis) is unavailable: Command timed out');
    }
    return ok;
  }
}

describe('admit stage under counter-store faults', () => {
  it('a timed-out concurrency acquire does not leave its slot taken', async () => {
    const store = new TimeoutAfterAcquire();
    const config = limitsSchema.parse({ rules: [{ scope: 'tenant', concurrent: 1 }] });
    const stage = createAdmitStage({ config, store, estimateInputTokens: () => 1 });
    store.failNext = true;
    expect(await run(stage, exchange(), () => {})).toBe('PCX_DEPENDENCY_UNAVAILABLE');
    // The one slot is free again: the next request is admitted.
    expect(await run(stage, exchange(), () => {})).toBeUndefined();
  });

  it('gives a spend reservation back when no upstream answered', async () => {
    const store = new MemoryCounterStore();
    // 1000 µ$ per output token; 10 max tokens reserve 10 000 µ$; the budget holds exactly 2 reservations.
    const config = limitsSchema.parse({
      rules: [{ scope: 'tenant', budget_usd_per_day: 0.02 }],
      prices: { m1: { input_per_mtok: 0, output_per_mtok: 1000 } },
    });
    const stage = createAdmitStage({ config, store, estimateInputTokens: () => 1 });
    // Five requests refused after admission (no usage, no upstream): none of them may use the budget.
    for (let i = 0; i < 5; i++) {
      expect(
        await run(stage, exchange(), () => {
          throw new Error('refused downstream');
        }).catch((e: Error) => e.message),
      ).toBe('refused downstream');
    }
    // Two answered requests that used their full reservation fit; the third does not.
    const answered = (e: Exchange) => {
      e.upstream = { provider: 'p', upstreamModel: 'm', region: 'eu', status: 200, attempts: 1 };
      e.usage = { inputTokens: 1, outputTokens: 10 };
    };
    expect(await run(stage, exchange(), answered)).toBeUndefined();
    expect(await run(stage, exchange(), answered)).toBeUndefined();
    expect(await run(stage, exchange(), answered)).toBe('PCX_BUDGET_EXCEEDED');
  });

  it('keeps the reservation of an answer whose usage is unknown (it may have been billed)', async () => {
    const store = new MemoryCounterStore();
    const config = limitsSchema.parse({
      rules: [{ scope: 'tenant', budget_usd_per_day: 0.02 }],
      prices: { m1: { input_per_mtok: 0, output_per_mtok: 1000 } },
    });
    const stage = createAdmitStage({ config, store, estimateInputTokens: () => 1 });
    const cutStream = (e: Exchange) => {
      e.upstream = { provider: 'p', upstreamModel: 'm', region: 'eu', status: 200, attempts: 1 };
    };
    expect(await run(stage, exchange(), cutStream)).toBeUndefined();
    expect(await run(stage, exchange(), cutStream)).toBeUndefined();
    expect(await run(stage, exchange(), cutStream)).toBe('PCX_BUDGET_EXCEEDED');
  });
});
