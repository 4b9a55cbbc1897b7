import type { BucketState } from './counters.js';

function duration(ms: number): string {
  if (ms <= 0) return '0s';
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s * 1000) / 1000}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Math.round(s - m * 60)}s`;
}

/** The tightest of several buckets: the one with the fewest tokens left relative to its capacity. */
function tightest(buckets: readonly BucketState[]): BucketState | undefined {
  let best: BucketState | undefined;
  for (const b of buckets) if (!best || b.remaining / b.capacity < best.remaining / best.capacity) best = b;
  return best;
}

/** OpenAI-style `x-ratelimit-*` headers for the requests and tokens buckets an exchange touched. */
export function rateLimitHeaders(
  requests: readonly BucketState[],
  tokens: readonly BucketState[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const r = tightest(requests);
  if (r) {
    out['x-ratelimit-limit-requests'] = String(r.capacity);
    out['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(r.remaining)));
    out['x-ratelimit-reset-requests'] = duration(r.resetMs);
  }
  const t = tightest(tokens);
  if (t) {
    out['x-ratelimit-limit-tokens'] = String(t.capacity);
    out['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(t.remaining)));
    out['x-ratelimit-reset-tokens'] = duration(t.resetMs);
  }
  return out;
}
