/**
 * Per-key watch for stolen and shared keys (issue 11): each key's picture, its change test and the
 * named sub-stream. Bounded: at most `maxKeys` keys in memory, each a few kilobytes.
 */
import { fnv1a } from '../hash.js';
import type { RequestFeatures } from '../types.js';
import { CUSUM_DEFAULTS, type CusumOptions, MixtureCusum } from './change.js';
import { KeyPicture, type Novelty, WARMUP } from './picture.js';
import { type SubstreamSummary, SubstreamTracker } from './substream.js';

/** Weight at which a foreign-looking request is learnt into the picture. */
export const FOREIGN_LEARN_WEIGHT = 0.1;
/**
 * A "change" that is most of the key's traffic is the app itself changing (a new prompt version, a
 * new SDK), not a side stream: the picture is relearnt instead of flagging the key.
 */
export const MAX_SUBSTREAM_SHARE = 0.5;
/** Requests learnt at full weight, untested, after such a whole-key change. */
export const RELEARN = 200;
/** Requests watched after the test crosses its threshold, to tell a side stream from a whole-key change. */
export const CONFIRM_WINDOW = 20;
/**
 * A changed key is written at a periodic sync once it has learnt this many requests since its last
 * write (or at once when its flag changed); a shutdown writes every changed key. Bounds the store's
 * write volume for busy keys (a full state is ~2 KB): a crash loses at most this much learning.
 */
export const WRITE_EVERY = 100;
/** Oldest keys looked at for an unflagged one to drop when the watch is full. */
const EVICT_SCAN = 64;
/** Dropped keys' states kept for the next write, at most. */
const MAX_EVICTED_PENDING = 10_000;

export interface KeyObservation {
  novelty: Novelty;
  /** The key's change test has crossed its threshold (now or earlier). */
  flagged: boolean;
  /** This request was the one that crossed it. */
  justFlagged: boolean;
  /** This request belongs to the named sub-stream. */
  matches: boolean;
}

/** The persisted form of one key's watch (see `KeyState.toJSON`); a few kilobytes at most. */
export interface KeyStateJSON {
  v: 1;
  key: number;
  p: Record<string, unknown>;
  c: [number, number, number, number];
  s: Record<string, unknown>;
  r: [number, number];
  f: boolean;
  q: [number, number];
}

export class KeyState {
  picture: KeyPicture;
  cusum: MixtureCusum;
  tracker = new SubstreamTracker();
  /** Requests left to relearn after a whole-key change; whole-key changes seen. */
  relearn = 0;
  shifts = 0;
  /** The key is flagged: the crossing was confirmed as a side stream. */
  confirmed = false;
  /** Requests learnt and flag at the last write to the store (-1: never written). */
  writtenN = -1;
  writtenFlag = false;
  private pendingTotal = 0;
  private pendingForeign = 0;

  constructor(
    readonly key: number,
    opts: CusumOptions,
    warmup = WARMUP,
  ) {
    this.cusum = new MixtureCusum(opts);
    this.picture = new KeyPicture(warmup);
  }

  toJSON(): KeyStateJSON {
    return {
      v: 1,
      key: this.key,
      p: this.picture.toJSON(),
      c: this.cusum.toJSON(),
      s: this.tracker.toJSON(),
      r: [this.relearn, this.shifts],
      f: this.confirmed,
      q: [this.pendingTotal, this.pendingForeign],
    };
  }

  /** Restores a key's watch from `toJSON` (tolerant of damaged or foreign input: bad parts start afresh). */
  static from(v: unknown, opts: CusumOptions = CUSUM_DEFAULTS, warmup = WARMUP): KeyState | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Partial<Record<keyof KeyStateJSON, unknown>>;
    if (o.v !== 1 || typeof o.key !== 'number' || !Number.isInteger(o.key)) return undefined;
    const st = new KeyState(o.key >>> 0, opts, warmup);
    st.picture = KeyPicture.from(o.p, warmup);
    st.cusum = MixtureCusum.from(o.c, opts);
    st.tracker = SubstreamTracker.from(o.s);
    const ints = (x: unknown): x is [number, number] =>
      Array.isArray(x) && x.length === 2 && x.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
    if (ints(o.r)) [st.relearn, st.shifts] = [Math.min(o.r[0], RELEARN), o.r[1]];
    if (ints(o.q)) [st.pendingTotal, st.pendingForeign] = [Math.min(o.q[0], CONFIRM_WINDOW), Math.min(o.q[1], o.q[0])];
    // A flag without a named sub-stream could aim nothing: it is kept only with its name.
    st.confirmed = o.f === true && st.tracker.defining.length > 0;
    return st;
  }

  /** Takes another process's flag of this key (its change test and named sub-stream); keeps this picture. */
  adoptFlag(other: KeyState): boolean {
    if (this.confirmed || !other.confirmed) return false;
    this.cusum = other.cusum;
    this.tracker = other.tracker;
    this.confirmed = true;
    this.pendingTotal = 0;
    this.pendingForeign = 0;
    return true;
  }

  observe(f: RequestFeatures): KeyObservation {
    const nv = this.picture.novelty(f);
    if (this.relearn > 0) {
      this.relearn--;
      this.picture.learn(f, nv, 1);
      return { novelty: nv, flagged: false, justFlagged: false, matches: false };
    }
    if (this.confirmed) {
      if (this.picture.warm) this.cusum.push(nv.llr);
      const matches = this.tracker.add(nv, true);
      this.picture.learn(f, nv, nv.llr > 0 ? FOREIGN_LEARN_WEIGHT : 1);
      return { novelty: nv, flagged: true, justFlagged: false, matches };
    }
    const wasZero = this.cusum.s === 0;
    const crossed = this.picture.warm ? this.cusum.push(nv.llr) : false;
    if (!crossed && wasZero && this.cusum.s > 0) this.tracker.reset(f.ts);
    this.tracker.add(nv, false);
    let justFlagged = false;
    let matches = false;
    if (crossed) {
      this.pendingTotal++;
      if (nv.llr > 0) this.pendingForeign++;
      if (this.pendingTotal >= CONFIRM_WINDOW) {
        if (this.pendingForeign / this.pendingTotal > MAX_SUBSTREAM_SHARE) {
          // Most of the key's traffic moved: the app itself changed. Relearn rather than flag.
          this.shifts++;
          this.relearn = RELEARN;
          this.cusum = new MixtureCusum(this.cusum.opts);
          this.pendingTotal = 0;
          this.pendingForeign = 0;
          this.picture.learn(f, nv, 1);
          return { novelty: nv, flagged: false, justFlagged: false, matches: false };
        }
        this.confirmed = true;
        justFlagged = true;
        this.tracker.name(this.picture);
        matches = this.tracker.add(nv, true);
      }
    }
    this.picture.learn(f, nv, nv.llr > 0 ? FOREIGN_LEARN_WEIGHT : 1);
    return { novelty: nv, flagged: this.confirmed, justFlagged, matches };
  }

  /** Whether a request about to be served belongs to the flagged key's named sub-stream (no learning). */
  matchesNow(f: RequestFeatures): boolean {
    return this.confirmed && this.tracker.matches(this.picture.novelty(f));
  }

  /** The named sub-stream and its share of the key's traffic since it was named, once flagged. */
  substream(): { share: number; substream: SubstreamSummary } | undefined {
    if (!this.confirmed) return undefined;
    const s = this.tracker.summary(this.key, this.picture);
    return { share: s.requests > 0 ? s.matched / s.requests : 0, substream: s };
  }
}

/** One key's state as the store keeps it. */
export interface KeyRecord {
  /** The watch's id of the key (account and key hash). */
  id: string;
  account: string;
  flagged: boolean;
  requests: number;
  state: KeyStateJSON;
}

export class KeyWatch {
  private readonly keys = new Map<string, KeyState>();
  private readonly accountOf = new Map<string, string>();
  /** Keys changed since the last `takeDirty` (persisted off the request path). */
  private readonly dirty = new Set<string>();

  constructor(
    readonly maxKeys = 100_000,
    readonly opts: CusumOptions = CUSUM_DEFAULTS,
    /** Requests of a key learnt before it is tested (`key_watch.min_requests`). */
    readonly warmup = WARMUP,
  ) {}

  /** States of keys dropped from memory with unwritten changes, written at the next sync (bounded). */
  private evicted: KeyRecord[] = [];

  /**
   * Adds a key; beyond `maxKeys` drops the least recently seen one, preferring an unflagged key (a
   * flag must not be forgotten because an idle key's slot was needed). The dropped key's unwritten
   * changes are kept for the next write.
   */
  private put(id: string, account: string, st: KeyState): void {
    this.keys.set(id, st);
    this.accountOf.set(id, account);
    if (this.keys.size <= this.maxKeys) return;
    let victim: string | undefined;
    let looked = 0;
    for (const [k, s] of this.keys) {
      victim ??= k;
      if (!s.confirmed) {
        victim = k;
        break;
      }
      if (++looked >= EVICT_SCAN) break;
    }
    if (victim === undefined) return;
    const vs = this.keys.get(victim)!;
    const va = this.accountOf.get(victim);
    if (this.dirty.has(victim) && va !== undefined && this.evicted.length < MAX_EVICTED_PENDING)
      this.evicted.push({ id: victim, account: va, flagged: vs.confirmed, requests: vs.picture.n, state: vs.toJSON() });
    this.delete(victim);
  }

  /**
   * The key of a request: its API key id when known, else the account (one key per account). The
   * separator is a control character no account name holds, and one PostgreSQL text can store.
   */
  static keyId(account: string, f: RequestFeatures): string {
    return f.key !== 0 ? `${account}\u001f${f.key}` : account;
  }

  observe(account: string, f: RequestFeatures): { state: KeyState; obs: KeyObservation } {
    const id = KeyWatch.keyId(account, f);
    let st = this.keys.get(id);
    if (!st) {
      st = new KeyState(f.key !== 0 ? f.key : fnv1a(account), this.opts, this.warmup);
      this.put(id, account, st);
    } else {
      // Least recently seen first: a busy key is never the one dropped.
      this.keys.delete(id);
      this.keys.set(id, st);
    }
    this.dirty.add(id);
    return { state: st, obs: st.observe(f) };
  }

  /**
   * Changed keys due for a write, serialised, for a batched write: those whose flag changed or that
   * learnt `WRITE_EVERY` requests since their last write; with `all`, every changed key (shutdown).
   * Keys not yet due stay pending.
   */
  takeDirty(all = true): KeyRecord[] {
    const out: KeyRecord[] = this.evicted;
    this.evicted = [];
    for (const id of this.dirty) {
      const st = this.keys.get(id);
      const account = this.accountOf.get(id);
      if (!st || account === undefined) {
        this.dirty.delete(id);
        continue;
      }
      const due = all || st.confirmed !== st.writtenFlag || st.picture.n - Math.max(0, st.writtenN) >= WRITE_EVERY;
      if (!due) continue;
      out.push({ id, account, flagged: st.confirmed, requests: st.picture.n, state: st.toJSON() });
      st.writtenN = st.picture.n;
      st.writtenFlag = st.confirmed;
      this.dirty.delete(id);
    }
    return out;
  }

  /**
   * Takes a persisted state (this process's after a restart, or another process's): a key not in
   * memory is restored whole; a key already watched here keeps its own picture and takes the other's
   * flag if only the other has one. Returns the key's state when this made it flagged, else undefined.
   */
  merge(id: string, account: string, state: unknown): KeyState | undefined {
    const other = KeyState.from(state, this.opts, this.warmup);
    if (!other) return undefined;
    const mine = this.keys.get(id);
    if (!mine) {
      this.put(id, account, other);
      return other.confirmed ? other : undefined;
    }
    return mine.adoptFlag(other) ? mine : undefined;
  }

  /** Drops one key's watch from memory (its persisted state, if any, stays). */
  delete(id: string): void {
    this.keys.delete(id);
    this.accountOf.delete(id);
    this.dirty.delete(id);
  }

  get(account: string, f: RequestFeatures): KeyState | undefined {
    return this.keys.get(KeyWatch.keyId(account, f));
  }

  /** Forgets every key of an account (operator cleared it): its keys are learnt again from nothing. */
  forget(account: string): void {
    this.evicted = this.evicted.filter((r) => r.account !== account);
    for (const id of [...this.keys.keys()])
      if (id === account || id.startsWith(`${account}\u001f`)) {
        this.keys.delete(id);
        this.accountOf.delete(id);
        this.dirty.delete(id);
      }
  }

  get size(): number {
    return this.keys.size;
  }
}
