/**
 * Per-key watch for stolen and shared keys (issue 11): each key's picture, its change test and the
 * named sub-stream. Bounded: at most `maxKeys` keys in memory, each a few kilobytes.
 */
import { fnv1a } from '../hash.js';
import type { RequestFeatures } from '../types.js';
import { CUSUM_DEFAULTS, type CusumOptions, MixtureCusum } from './change.js';
import { KeyPicture, type Novelty } from './picture.js';
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

export interface KeyObservation {
  novelty: Novelty;
  /** The key's change test has crossed its threshold (now or earlier). */
  flagged: boolean;
  /** This request was the one that crossed it. */
  justFlagged: boolean;
  /** This request belongs to the named sub-stream. */
  matches: boolean;
}

export class KeyState {
  picture = new KeyPicture();
  cusum: MixtureCusum;
  tracker = new SubstreamTracker();
  /** Requests left to relearn after a whole-key change; whole-key changes seen. */
  relearn = 0;
  shifts = 0;
  /** The key is flagged: the crossing was confirmed as a side stream. */
  confirmed = false;
  private pendingTotal = 0;
  private pendingForeign = 0;

  constructor(
    readonly key: number,
    opts: CusumOptions,
  ) {
    this.cusum = new MixtureCusum(opts);
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
    const s = this.tracker.summary(this.key);
    return { share: s.requests > 0 ? s.matched / s.requests : 0, substream: s };
  }
}

export class KeyWatch {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    readonly maxKeys = 100_000,
    readonly opts: CusumOptions = CUSUM_DEFAULTS,
  ) {}

  /** The key of a request: its API key id when known, else the account (one key per account). */
  static keyId(account: string, f: RequestFeatures): string {
    return f.key !== 0 ? `${account}\u0000${f.key}` : account;
  }

  observe(account: string, f: RequestFeatures): { state: KeyState; obs: KeyObservation } {
    const id = KeyWatch.keyId(account, f);
    let st = this.keys.get(id);
    if (!st) {
      st = new KeyState(f.key !== 0 ? f.key : fnv1a(account), this.opts);
      this.keys.set(id, st);
      if (this.keys.size > this.maxKeys) {
        const oldest = this.keys.keys().next();
        if (!oldest.done) this.keys.delete(oldest.value);
      }
    }
    return { state: st, obs: st.observe(f) };
  }

  get(account: string, f: RequestFeatures): KeyState | undefined {
    return this.keys.get(KeyWatch.keyId(account, f));
  }

  /** Forgets every key of an account (operator cleared it): its keys are learnt again from nothing. */
  forget(account: string): void {
    for (const id of [...this.keys.keys()])
      if (id === account || id.startsWith(`${account}\u0000`)) this.keys.delete(id);
  }

  get size(): number {
    return this.keys.size;
  }
}
