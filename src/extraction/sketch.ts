/**
 * Bounded streaming summaries. Each has a fixed capacity, so a profile's size does not grow with the
 * number of requests an account sends.
 */

/** Misra–Gries heavy hitters over 32-bit hashes: any item with frequency > n/(k+1) is kept. */
export class HeavyHitters {
  readonly keys: number[] = [];
  readonly counts: number[] = [];
  constructor(readonly capacity: number) {}

  count(h: number): number {
    const i = this.keys.indexOf(h);
    return i < 0 ? 0 : this.counts[i]!;
  }

  /** Adds one occurrence; returns the item's count before the addition (0 when new or evicted). */
  add(h: number): number {
    const i = this.keys.indexOf(h);
    if (i >= 0) return this.counts[i]!++;
    if (this.keys.length < this.capacity) {
      this.keys.push(h);
      this.counts.push(1);
      return 0;
    }
    // Decrement every counter; drop those reaching zero (the Misra–Gries step).
    for (let j = this.keys.length - 1; j >= 0; j--) {
      if (--this.counts[j]! <= 0) {
        this.keys.splice(j, 1);
        this.counts.splice(j, 1);
      }
    }
    return 0;
  }

  top(): { key: number; count: number } | undefined {
    let best = -1;
    for (let i = 0; i < this.keys.length; i++) if (best < 0 || this.counts[i]! > this.counts[best]!) best = i;
    return best < 0 ? undefined : { key: this.keys[best]!, count: this.counts[best]! };
  }

  toJSON(): [number[], number[]] {
    return [this.keys.slice(), this.counts.slice()];
  }

  static from(capacity: number, v: unknown): HeavyHitters {
    const hh = new HeavyHitters(capacity);
    if (Array.isArray(v) && Array.isArray(v[0]) && Array.isArray(v[1])) {
      const n = Math.min(capacity, v[0].length, v[1].length);
      for (let i = 0; i < n; i++) {
        const k = v[0][i];
        const c = v[1][i];
        if (typeof k === 'number' && typeof c === 'number' && c > 0) {
          hh.keys.push(k >>> 0);
          hh.counts.push(Math.floor(c));
        }
      }
    }
    return hh;
  }
}

/** K-minimum-values distinct counter over 32-bit hashes. */
export class DistinctCounter {
  /** Sorted ascending, at most `k` values. */
  readonly values: number[] = [];
  constructor(readonly k: number) {}

  /** Adds a hash; returns whether it was not already among the kept values (i.e. probably new). */
  add(h: number): boolean {
    const v = h >>> 0;
    const vals = this.values;
    if (vals.length === this.k && v >= vals[vals.length - 1]!) return false;
    let lo = 0;
    let hi = vals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (vals[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (vals[lo] === v) return false;
    vals.splice(lo, 0, v);
    if (vals.length > this.k) vals.pop();
    return true;
  }

  estimate(): number {
    const vals = this.values;
    if (vals.length < this.k) return vals.length;
    return (this.k - 1) / ((vals[vals.length - 1]! + 1) / 4294967296);
  }

  static from(k: number, v: unknown): DistinctCounter {
    const d = new DistinctCounter(k);
    if (Array.isArray(v)) for (const x of v.slice(0, k)) if (typeof x === 'number') d.add(x);
    return d;
  }
}
