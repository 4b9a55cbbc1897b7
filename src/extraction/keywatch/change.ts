/**
 * Sequential change test for one key: a CUSUM over per-request log-likelihood ratios of a *mixture*
 * alternative. After the change, only a share ε of the key's requests come from the new sub-stream
 * (a leaked key used on the side), so the per-request statistic is log(1 − ε + ε·LR) rather than
 * log LR: ordinary requests cost little (≈ log(1 − ε)), and each foreign one adds much. Pure and
 * causal: the state after request k depends only on requests 1..k.
 */

export interface CusumOptions {
  /** Smallest share of the key's traffic the test is tuned to find. */
  share: number;
  /** Threshold on the CUSUM statistic. */
  threshold: number;
  /** Bound on one request's log-likelihood ratio: no single request can flag a key. */
  maxLlr: number;
}

export const CUSUM_DEFAULTS: CusumOptions = { share: 0.05, threshold: 14, maxLlr: 8 };

export class MixtureCusum {
  /** The CUSUM statistic (≥ 0). */
  s = 0;
  /** Requests seen. */
  n = 0;
  /** 1-based index of the request at which the statistic last left zero: the change-point estimate. */
  start = 0;
  /** 1-based index of the request that first crossed the threshold, or 0. */
  flaggedAt = 0;

  constructor(readonly opts: CusumOptions = CUSUM_DEFAULTS) {
    if (!(opts.share > 0 && opts.share < 1)) throw new RangeError('share must be in (0, 1)');
    if (!(opts.threshold > 0) || !(opts.maxLlr > 0)) throw new RangeError('threshold and maxLlr must be positive');
  }

  /** The mixture statistic for one request's log-likelihood ratio. */
  increment(llr: number): number {
    const l = Number.isFinite(llr) ? Math.max(-this.opts.maxLlr, Math.min(this.opts.maxLlr, llr)) : 0;
    const e = this.opts.share;
    return Math.log(1 - e + e * Math.exp(l));
  }

  /** Feeds one request; returns true while the key is flagged (latched from the first crossing). */
  push(llr: number): boolean {
    this.n++;
    const before = this.s;
    this.s = Math.max(0, this.s + this.increment(llr));
    if (before === 0 && this.s > 0 && this.flaggedAt === 0) this.start = this.n;
    if (this.flaggedAt === 0 && this.s >= this.opts.threshold) this.flaggedAt = this.n;
    return this.flaggedAt > 0;
  }

  toJSON(): [number, number, number, number] {
    return [this.s, this.n, this.start, this.flaggedAt];
  }

  static from(v: unknown, opts: CusumOptions = CUSUM_DEFAULTS): MixtureCusum {
    const c = new MixtureCusum(opts);
    if (Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
      [c.s, c.n, c.start, c.flaggedAt] = v as [number, number, number, number];
    }
    return c;
  }
}

/** Runs the test over a whole stream: the 1-based index of the first flag, or null. */
export function firstFlag(llrs: Iterable<number>, opts: CusumOptions = CUSUM_DEFAULTS): number | null {
  const c = new MixtureCusum(opts);
  for (const l of llrs) if (c.push(l)) return c.flaggedAt;
  return null;
}
