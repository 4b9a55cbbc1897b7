/**
 * Token-bucket arithmetic shared by the memory store and mirrored line by line in the Redis Lua script
 * (redis-script.ts). A bucket of `capacity` refills at capacity/periodMs tokens per ms and starts full.
 */

export interface Bucket {
  tokens: number;
  /** ms timestamp of the last update */
  at: number;
}

export function refill(b: Bucket | undefined, capacity: number, periodMs: number, now: number): number {
  if (!b) return capacity;
  const rate = capacity / periodMs;
  return Math.min(capacity, b.tokens + Math.max(0, now - b.at) * rate);
}

/** ms until `tokens` reaches `need` (0 when it already has). */
export function waitFor(tokens: number, need: number, capacity: number, periodMs: number): number {
  if (tokens >= need) return 0;
  return Math.ceil(((need - tokens) * periodMs) / capacity);
}

/** Whether a take of `cost` is allowed: enough tokens, and a zero-cost check needs a bucket out of debt. */
export function allows(tokens: number, cost: number): boolean {
  return cost > 0 ? tokens >= cost : tokens > 0;
}

/** The tokens a zero-cost (check-only) take must wait for: just above zero. */
export function need(cost: number): number {
  return cost > 0 ? cost : 1;
}
