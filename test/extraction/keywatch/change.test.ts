import { describe, expect, it } from 'vitest';
import { CUSUM_DEFAULTS, firstFlag, MixtureCusum } from '../../../src/extraction/keywatch/change.js';

/** A small deterministic generator (mulberry32), independent of the simulator's. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Per-request LLRs as the picture gives them: ordinary requests mostly slightly negative, with a
 * rare benign oddity (one unusual component: +3); after `change`, a share of requests is foreign (+6).
 */
function stream(n: number, seed: number, change: number | null, share: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    if (change !== null && i >= change && r() < share) out.push(6);
    else out.push(r() < 0.01 ? 3 : -3);
  }
  return out;
}

describe('MixtureCusum', () => {
  it('the mixture increment is log(1 − ε + ε·e^L), worked out by hand', () => {
    const c = new MixtureCusum({ share: 0.1, threshold: 10, maxLlr: 8 });
    // ε = 0.1, L = ln 11: 0.9 + 0.1 * 11 = 2 → ln 2.
    expect(c.increment(Math.log(11))).toBeCloseTo(Math.LN2, 12);
    // L = 0: no evidence either way.
    expect(c.increment(0)).toBeCloseTo(0, 12);
    // L capped at 8: 0.9 + 0.1 e^8.
    expect(c.increment(50)).toBeCloseTo(Math.log(0.9 + 0.1 * Math.exp(8)), 12);
    // Non-finite input counts as no evidence, not as a flag.
    expect(c.increment(Number.NaN)).toBe(0);
    expect(c.increment(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('does not flag a long stream without a change', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(firstFlag(stream(50_000, seed, null, 0))).toBeNull();
  });

  it('flags after a change at request k, never before', () => {
    for (const [seed, k, share] of [
      [7, 1000, 0.05],
      [8, 5000, 0.05],
      [9, 20_000, 0.1],
      [10, 300, 0.1],
    ] as const) {
      const at = firstFlag(stream(40_000, seed, k, share));
      expect(at).not.toBeNull();
      expect(at!).toBeGreaterThanOrEqual(k);
    }
  });

  it('is causal: the flag index does not depend on what comes after it', () => {
    const s = stream(20_000, 11, 4000, 0.05);
    const at = firstFlag(s)!;
    expect(firstFlag(s.slice(0, at))).toBe(at);
    expect(firstFlag(s.slice(0, at - 1))).toBeNull();
  });

  it('no single request can flag a key, however extreme', () => {
    const c = new MixtureCusum(CUSUM_DEFAULTS);
    expect(c.push(1e9)).toBe(false);
    expect(c.s).toBeLessThan(CUSUM_DEFAULTS.threshold);
  });

  it('records the change-point estimate (where the statistic last left zero)', () => {
    const c = new MixtureCusum({ share: 0.5, threshold: 3, maxLlr: 8 });
    for (let i = 0; i < 10; i++) c.push(-5);
    c.push(8);
    c.push(8);
    expect(c.start).toBe(11);
    expect(c.flaggedAt).toBe(11);
  });

  it('rejects nonsensical options and restores only well-formed state', () => {
    expect(() => new MixtureCusum({ share: 0, threshold: 1, maxLlr: 1 })).toThrow(RangeError);
    expect(() => new MixtureCusum({ share: 0.5, threshold: -1, maxLlr: 1 })).toThrow(RangeError);
    expect(MixtureCusum.from('junk').n).toBe(0);
    expect(MixtureCusum.from([1, 2, -3, 4]).n).toBe(0);
    const c = MixtureCusum.from([2.5, 10, 4, 0]);
    expect([c.s, c.n, c.start, c.flaggedAt]).toEqual([2.5, 10, 4, 0]);
  });
});
