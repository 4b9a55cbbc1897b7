/**
 * The learned picture of one key's normal traffic, bounded: for each request feature (system prompt,
 * template edge, API parameters, client network and user agent, topic) a small weighted frequency
 * table, and how often that feature is *rare* in the key's own ordinary traffic. A request's novelty
 * is a log-likelihood ratio built from those rarities: a feature that is always the same for this
 * key (an app's system prompt, its SDK) counts a lot when it changes; a feature that always varies
 * (the end users' questions) counts for nothing.
 */
import { combine, fnv1a } from '../hash.js';
import type { RequestFeatures } from '../types.js';

/** Features compared against the picture, in a fixed order (persisted by index). */
export const COMPONENTS = ['system', 'template', 'params', 'network', 'userAgent', 'topic'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Table slots per component: the state of a key stays under a few kilobytes whatever it sends. */
export const TABLE_SLOTS = 24;
/** A value holding less than this share of a component's weight is rare for the key. */
export const RARE_SHARE = 0.02;
/** Probability that a foreign request differs on a component (the alternative hypothesis). */
const FOREIGN_RARE = 0.5;
/** Requests before the rarity base rates are trusted (default of `key_watch.min_requests`). */
export const WARMUP = 300;
/** Base rates are averaged over roughly this many requests once warm. */
const BASE_WINDOW = 1000;
const BASE_MIN = 0.002;
/** Weight of the last completed hour in the requests-per-hour average. */
const VOLUME_RATE = 0.05;

/** Weighted Misra–Gries table over 32-bit values. */
export class WeightedTable {
  keys: number[] = [];
  weights: number[] = [];
  total = 0;

  share(v: number): number {
    const i = this.keys.indexOf(v);
    return i < 0 || this.total <= 0 ? 0 : this.weights[i]! / this.total;
  }

  add(v: number, w: number): void {
    this.total += w;
    const i = this.keys.indexOf(v);
    if (i >= 0) {
      this.weights[i]! += w;
      return;
    }
    if (this.keys.length < TABLE_SLOTS) {
      this.keys.push(v);
      this.weights.push(w);
      return;
    }
    // Full: take the new item's weight off every slot (the weighted Misra–Gries step).
    for (let j = this.keys.length - 1; j >= 0; j--) {
      this.weights[j]! -= w;
      if (this.weights[j]! <= 0) {
        this.keys.splice(j, 1);
        this.weights.splice(j, 1);
      }
    }
  }

  toJSON(): [number[], number[], number] {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return [this.keys.slice(), this.weights.map(r), r(this.total)];
  }

  static from(v: unknown): WeightedTable {
    const t = new WeightedTable();
    if (!Array.isArray(v) || !Array.isArray(v[0]) || !Array.isArray(v[1])) return t;
    const n = Math.min(TABLE_SLOTS, v[0].length, v[1].length);
    for (let i = 0; i < n; i++) {
      const k = v[0][i];
      const w = v[1][i];
      if (typeof k === 'number' && typeof w === 'number' && Number.isFinite(w) && w > 0) {
        t.keys.push(k >>> 0);
        t.weights.push(w);
      }
    }
    const total = v[2];
    const sum = t.weights.reduce((a, b) => a + b, 0);
    t.total = typeof total === 'number' && Number.isFinite(total) && total >= sum ? total : sum;
    return t;
  }
}

/** The API-parameter signature of a request: the settings an app's code fixes once. */
export function paramsSignature(f: RequestFeatures): number {
  const temp = f.temperature === undefined ? -1 : Math.round(f.temperature * 10);
  const flags =
    (f.logprobs ? 1 : 0) |
    (f.logitBias ? 2 : 0) |
    (f.tools ? 4 : 0) |
    (f.reasoningParam ? 8 : 0) |
    (f.n > 1 ? 16 : 0) |
    (f.hasSystem ? 32 : 0);
  return combine(combine(fnv1a(`${f.maxTokens ?? -1}`), temp >>> 0), flags);
}

/** The value of each component for one request. */
export function componentValues(f: RequestFeatures): number[] {
  return [f.system, f.prefix, paramsSignature(f), f.network, f.userAgent, (f.category + 1) >>> 0];
}

export interface Novelty {
  /** Log-likelihood ratio foreign/ordinary (0 while the picture is warming up). */
  llr: number;
  /** Which components were rare, as a bit mask over COMPONENTS. */
  rare: number;
  values: number[];
}

export class KeyPicture {
  tables: WeightedTable[] = COMPONENTS.map(() => new WeightedTable());
  /** Per component, the share of the key's ordinary requests on which it was rare. */
  base: number[] = COMPONENTS.map(() => 0);
  n = 0;
  firstTs = 0;
  /** Hours of day (UTC) with activity, as a 24-bit mask. */
  hours = 0;
  /**
   * Volume: the current clock hour (hours since the epoch), its request count, and a moving average
   * of requests per active hour. Learnt and reported as evidence, not scored: a side stream of 5–10%
   * does not move a key's volume beyond its ordinary swings.
   */
  volHour = 0;
  volCount = 0;
  perHour = 0;

  /** `warmup`: requests learnt before the picture scores anything. */
  constructor(readonly warmup = WARMUP) {}

  get warm(): boolean {
    return this.n >= this.warmup;
  }

  /** Scores a request against the picture without learning from it. */
  novelty(f: RequestFeatures): Novelty {
    const values = componentValues(f);
    let rare = 0;
    let llr = 0;
    for (let c = 0; c < COMPONENTS.length; c++) {
      const r = this.tables[c]!.share(values[c]!) < RARE_SHARE;
      if (r) rare |= 1 << c;
      const b = Math.max(BASE_MIN, this.base[c]!);
      // A component that is rare for the key's own traffic half the time or more says nothing.
      if (b >= FOREIGN_RARE) continue;
      llr += r ? Math.log(FOREIGN_RARE / b) : Math.log((1 - FOREIGN_RARE) / (1 - b));
    }
    return { llr: this.warm ? llr : 0, rare, values };
  }

  /**
   * Learns from a request. A request that looked foreign is learnt at a small weight, so a side
   * stream of a few percent stays rare in the picture, while a lasting change of the app itself (a
   * new template taking a large share) is absorbed in time.
   */
  learn(f: RequestFeatures, nv: Novelty, weight: number): void {
    this.n++;
    if (this.firstTs === 0) this.firstTs = f.ts;
    this.hours |= 1 << new Date(f.ts).getUTCHours();
    const hour = Math.floor(f.ts / 3_600_000);
    if (hour !== this.volHour) {
      if (this.volCount > 0)
        this.perHour = this.perHour === 0 ? this.volCount : this.perHour + VOLUME_RATE * (this.volCount - this.perHour);
      this.volHour = hour;
      this.volCount = 0;
    }
    this.volCount++;
    const rate = weight / Math.min(this.n, BASE_WINDOW);
    for (let c = 0; c < COMPONENTS.length; c++) {
      const r = (nv.rare >> c) & 1;
      this.base[c]! += rate * (r - this.base[c]!);
      this.tables[c]!.add(nv.values[c]!, weight);
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      t: this.tables.map((t) => t.toJSON()),
      b: this.base.map((x) => Math.round(x * 1e5) / 1e5),
      n: this.n,
      f: this.firstTs,
      h: this.hours,
      v: [this.volHour, this.volCount, Math.round(this.perHour * 10) / 10],
    };
  }

  static from(v: unknown, warmup = WARMUP): KeyPicture {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const p = new KeyPicture(warmup);
    if (Array.isArray(o.t)) p.tables = COMPONENTS.map((_, i) => WeightedTable.from((o.t as unknown[])[i]));
    if (Array.isArray(o.b))
      p.base = COMPONENTS.map((_, i) => {
        const x = (o.b as unknown[])[i];
        return typeof x === 'number' && x >= 0 && x <= 1 ? x : 0;
      });
    p.n = typeof o.n === 'number' && Number.isSafeInteger(o.n) && o.n >= 0 ? o.n : 0;
    p.firstTs = typeof o.f === 'number' && Number.isFinite(o.f) ? o.f : 0;
    p.hours = typeof o.h === 'number' ? o.h & 0xffffff : 0;
    if (
      Array.isArray(o.v) &&
      o.v.length === 3 &&
      o.v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)
    )
      [p.volHour, p.volCount, p.perHour] = o.v as [number, number, number];
    return p;
  }

  /** The key's usual pattern, as evidence: active hours (UTC) and requests per active hour. */
  usual(): { hours: number[]; requests_per_hour: number } {
    const hours: number[] = [];
    for (let h = 0; h < 24; h++) if ((this.hours >> h) & 1) hours.push(h);
    return { hours, requests_per_hour: Math.round((this.perHour || this.volCount) * 10) / 10 };
  }
}
