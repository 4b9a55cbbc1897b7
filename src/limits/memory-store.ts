import { allows, type Bucket, need, refill, waitFor } from './bucket.js';
import type { BucketSpec, BucketState, CounterStore, ReserveResult, SpendSpec, TakeResult } from './counters.js';

/** Counters for one process. Bounded: idle entries are swept once full or expired. */
export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory' as const;
  private readonly buckets = new Map<string, Bucket>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly spends = new Map<string, { micros: number; expires: number }>();
  private sweepAt = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1_000_000,
  ) {}

  async take(specs: readonly BucketSpec[]): Promise<TakeResult> {
    const now = this.now();
    this.maybeSweep(now);
    const levels = specs.map((s) => refill(this.buckets.get(s.key), s.capacity, s.periodMs, now));
    let worst: { key: string; wait: number } | undefined;
    specs.forEach((s, i) => {
      const tokens = levels[i]!;
      if (!allows(tokens, s.cost)) {
        const wait = waitFor(tokens, need(s.cost), s.capacity, s.periodMs);
        if (!worst || wait > worst.wait) worst = { key: s.key, wait };
      }
    });
    if (worst) {
      return { ok: false, retryAfterMs: worst.wait, key: worst.key, buckets: states(specs, levels) };
    }
    specs.forEach((s, i) => {
      levels[i] = levels[i]! - s.cost;
      this.buckets.set(s.key, { tokens: levels[i]!, at: now });
    });
    return { ok: true, buckets: states(specs, levels) };
  }

  async adjust(adjustments: ReadonlyArray<{ key: string; capacity: number; periodMs: number; delta: number }>) {
    const now = this.now();
    for (const a of adjustments) {
      const tokens = refill(this.buckets.get(a.key), a.capacity, a.periodMs, now);
      this.buckets.set(a.key, { tokens: Math.min(a.capacity, tokens + a.delta), at: now });
    }
  }

  async acquire(key: string, limit: number, leaseId: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    let held = this.leases.get(key);
    if (!held) {
      held = new Map();
      this.leases.set(key, held);
    }
    for (const [id, until] of held) if (until <= now) held.delete(id);
    if (held.size >= limit) return false;
    held.set(leaseId, now + leaseMs);
    return true;
  }

  async release(key: string, leaseId: string): Promise<void> {
    const held = this.leases.get(key);
    if (!held) return;
    held.delete(leaseId);
    if (held.size === 0) this.leases.delete(key);
  }

  async reserve(specs: readonly SpendSpec[]): Promise<ReserveResult> {
    const now = this.now();
    for (const s of specs) {
      const spent = this.spent(s.key, now);
      if (spent + s.reserveMicros > s.budgetMicros) {
        return { ok: false, key: s.key, spentMicros: spent, budgetMicros: s.budgetMicros };
      }
    }
    for (const s of specs) {
      this.spends.set(s.key, { micros: this.spent(s.key, now) + s.reserveMicros, expires: now + s.ttlMs });
    }
    return { ok: true };
  }

  async settle(spends: ReadonlyArray<{ key: string; deltaMicros: number; ttlMs: number }>): Promise<void> {
    const now = this.now();
    for (const s of spends) {
      this.spends.set(s.key, { micros: Math.max(0, this.spent(s.key, now) + s.deltaMicros), expires: now + s.ttlMs });
    }
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}

  private spent(key: string, now: number): number {
    const e = this.spends.get(key);
    return e && e.expires > now ? e.micros : 0;
  }

  private maybeSweep(now: number): void {
    if (this.buckets.size < this.maxEntries && now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [k, b] of this.buckets) if (now - b.at > 3_600_000) this.buckets.delete(k);
    for (const [k, s] of this.spends) if (s.expires <= now) this.spends.delete(k);
  }
}

function states(specs: readonly BucketSpec[], levels: number[]): BucketState[] {
  return specs.map((s, i) => ({
    key: s.key,
    capacity: s.capacity,
    remaining: levels[i]!,
    resetMs: waitFor(levels[i]!, s.capacity, s.capacity, s.periodMs),
  }));
}
