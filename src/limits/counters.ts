/**
 * The counter store: the one place limits keep state. In memory for one process; in Redis (atomic Lua
 * scripts) when several processes share limits. Both implement the same semantics, defined by the pure
 * functions in bucket.ts.
 */

/** A token bucket that refills `capacity` tokens per `periodMs`, continuously. */
export interface BucketSpec {
  key: string;
  capacity: number;
  periodMs: number;
  /** Tokens to take now. 0 = only require that the bucket is not in debt. */
  cost: number;
}

export interface BucketState {
  key: string;
  capacity: number;
  /** Tokens left after the take (may be negative after reconciliation). */
  remaining: number;
  /** ms until the bucket is full again. */
  resetMs: number;
}

export type TakeResult =
  | { ok: true; buckets: BucketState[] }
  /** Nothing was taken; `retryAfterMs` is when the most starved bucket can serve the request. */
  | { ok: false; retryAfterMs: number; key: string; buckets: BucketState[] };

/** A running spend total in micro-USD, for one period key, with an expiry. */
export interface SpendSpec {
  key: string;
  budgetMicros: number;
  reserveMicros: number;
  ttlMs: number;
}

export type ReserveResult = { ok: true } | { ok: false; key: string; spentMicros: number; budgetMicros: number };

export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  /** Takes `cost` from every bucket, or from none if any would go below zero. Atomic. */
  take(buckets: readonly BucketSpec[]): Promise<TakeResult>;
  /** Adds (positive: refund) or removes (negative: debt) tokens after the fact. */
  adjust(adjustments: ReadonlyArray<{ key: string; capacity: number; periodMs: number; delta: number }>): Promise<void>;
  /** Holds one of `limit` concurrency slots under `key` until released or `leaseMs` passes. Atomic. */
  acquire(key: string, limit: number, leaseId: string, leaseMs: number): Promise<boolean>;
  release(key: string, leaseId: string): Promise<void>;
  /** Reserves against every budget, or none if any would exceed it. Atomic. */
  reserve(spends: readonly SpendSpec[]): Promise<ReserveResult>;
  /** Corrects a reservation to the actual cost (delta may be negative). */
  settle(spends: ReadonlyArray<{ key: string; deltaMicros: number; ttlMs: number }>): Promise<void>;
  /** Resolves once the store can serve; rejects when it cannot within its timeout. */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
