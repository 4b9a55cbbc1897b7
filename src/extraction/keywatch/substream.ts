/**
 * Names the sub-stream behind a key's change: the values (system prompt, template, parameters,
 * network, user agent, topic) that the foreign-looking requests share and that are rare in the key's
 * picture, and the share of the key's traffic that matches them since the change began.
 */
import { hex } from '../hash.js';
import { COMPONENTS, type Component, type KeyPicture, type Novelty, RARE_SHARE, WeightedTable } from './picture.js';

/** A value counts as defining when at least this share of the foreign-looking requests carry it. */
const DEFINING_SHARE = 0.3;

export interface SubstreamSummary {
  /** The key (its id hash) the sub-stream runs under. */
  key: string;
  /** When the change is estimated to have begun (RFC 3339). */
  since: string;
  /** Requests of the key since then, and how many match the sub-stream. */
  requests: number;
  matched: number;
  /** Defining values, by feature: hashes in hex ("none" for an absent system prompt). */
  fingerprint: Partial<Record<Component, string>>;
  /** The key's usual pattern from its picture (evidence for the operator, not part of the test). */
  usual?: { hours: number[]; requests_per_hour: number };
}

export class SubstreamTracker {
  sinceTs = 0;
  total = 0;
  foreign = 0;
  matched = 0;
  tables: WeightedTable[] = COMPONENTS.map(() => new WeightedTable());
  /** Defining (component, value) pairs, fixed once the key is flagged. */
  defining: Array<[number, number]> = [];

  reset(ts: number): void {
    this.sinceTs = ts;
    this.total = 0;
    this.foreign = 0;
    this.matched = 0;
    this.tables = COMPONENTS.map(() => new WeightedTable());
  }

  /** Counts one request since the change point. */
  add(nv: Novelty, flagged: boolean): boolean {
    this.total++;
    if (nv.llr > 0) {
      this.foreign++;
      if (!flagged) for (let c = 0; c < COMPONENTS.length; c++) this.tables[c]!.add(nv.values[c]!, 1);
    }
    const m = flagged && this.matches(nv);
    if (m) this.matched++;
    return m;
  }

  /** Fixes the defining values at the moment the key is flagged, against the key's picture. */
  name(picture: KeyPicture): void {
    this.defining = [];
    for (let c = 0; c < COMPONENTS.length; c++) {
      const t = this.tables[c]!;
      let best = -1;
      for (let i = 0; i < t.keys.length; i++) if (best < 0 || t.weights[i]! > t.weights[best]!) best = i;
      if (best < 0 || t.total <= 0) continue;
      const v = t.keys[best]!;
      if (t.weights[best]! / t.total >= DEFINING_SHARE && picture.tables[c]!.share(v) < RARE_SHARE)
        this.defining.push([c, v]);
    }
    // From here on a request counts as matched only if it carries the name. Until then, the
    // foreign-looking requests since the change began (those the name was taken from) stand for it, so
    // the share reported at the flag (in the alert) is already an estimate, not 0.
    this.matched = this.foreign;
  }

  /** A request belongs to the named sub-stream: it looks foreign and carries a defining value. */
  matches(nv: Novelty): boolean {
    if (nv.llr <= 0 || this.defining.length === 0) return false;
    for (const [c, v] of this.defining) if (nv.values[c] === v) return true;
    return false;
  }

  summary(key: number, picture?: KeyPicture): SubstreamSummary {
    const fingerprint: Partial<Record<Component, string>> = {};
    for (const [c, v] of this.defining) {
      const name = COMPONENTS[c]!;
      fingerprint[name] = name === 'system' && v === 0 ? 'none' : hex(v);
    }
    return {
      key: hex(key),
      since: new Date(this.sinceTs).toISOString(),
      requests: this.total,
      matched: this.matched,
      fingerprint,
      ...(picture ? { usual: picture.usual() } : {}),
    };
  }

  toJSON(): Record<string, unknown> {
    return {
      s: this.sinceTs,
      n: [this.total, this.foreign, this.matched],
      t: this.tables.map((t) => t.toJSON()),
      d: this.defining,
    };
  }

  /** Restores a tracker from `toJSON` (tolerant: bad parts start empty; at most one defining value per feature). */
  static from(v: unknown): SubstreamTracker {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const t = new SubstreamTracker();
    t.sinceTs = typeof o.s === 'number' && Number.isFinite(o.s) ? o.s : 0;
    if (Array.isArray(o.n) && o.n.length === 3 && o.n.every((x) => Number.isSafeInteger(x) && (x as number) >= 0))
      [t.total, t.foreign, t.matched] = o.n as [number, number, number];
    if (Array.isArray(o.t)) t.tables = COMPONENTS.map((_, i) => WeightedTable.from((o.t as unknown[])[i]));
    if (Array.isArray(o.d)) {
      const seen = new Set<number>();
      for (const d of o.d as unknown[]) {
        if (!Array.isArray(d) || d.length !== 2) continue;
        const [c, val] = d as [unknown, unknown];
        if (!Number.isInteger(c) || (c as number) < 0 || (c as number) >= COMPONENTS.length) continue;
        if (typeof val !== 'number' || !Number.isInteger(val) || seen.has(c as number)) continue;
        seen.add(c as number);
        t.defining.push([c as number, val >>> 0]);
      }
    }
    return t;
  }
}
