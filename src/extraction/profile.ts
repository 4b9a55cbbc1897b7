/**
 * Per-account profile: bounded streaming state (counters, heavy hitters, a reservoir of recent
 * MinHash signatures, distinct counters). Its JSON form stays under PROFILE_MAX_BYTES whatever the
 * account sends (the account id itself is the storage key, not part of the JSON), so it can be persisted and shared between gateway processes.
 */
import { type Evidence, emptyEvidence, evidenceFrom } from './evidence.js';
import { jaccard, MINHASH_K } from './features/text.js';
import type { AppSignals } from './score.js';
import { DistinctCounter, HeavyHitters } from './sketch.js';
import type { RequestFeatures } from './types.js';

export const PROFILE_MAX_BYTES = 16 * 1024;
/** A gap shorter than this between two requests of one account is machine speed, not a person reading. */
export const MACHINE_GAP_MS = 3000;
/** Skeletons shorter than this are too generic ("thanks", "continue") to fingerprint a template. */
export const MIN_TEMPLATE_TOKENS = 12;
/** MinHash Jaccard above which two prompts count as near-duplicates of one template. */
export const NEAR_DUPLICATE = 0.25;
const TEMPLATE_SLOTS = 8;
const RESERVOIR = 8;
const DISTINCT_K = 32;
const RECENT_EXACT = 16;

/** What one observation found, beyond the counters. */
export interface RequestTrace {
  templated: boolean;
  harvestWeight: number;
  /** Template hashes this account has now used at least twice (link candidates across accounts). */
  templateTokens: number[];
}

export interface SharedTemplates {
  /**
   * How many accounts use this template hash with varying content (approximate); 0 while the hash
   * has only been seen with one content (the same popular prompt pasted by many people is no template).
   */
  accounts(h: number): number;
  /** Records one use of a hash: by an account new to it or not, with the hash of the whole prompt. */
  use(h: number, exact: number, newAccount: boolean): void;
}

/** Weight of harvest intent in one request; reasoning and soft labels are what distillation wants most. */
export function harvestWeight(f: RequestFeatures): number {
  let w = 0;
  if (f.cotStrong) w = Math.max(w, f.cotSystemOnly ? 0.5 : 1);
  if (f.reasoningParam) w = 1;
  if (f.logprobs && (f.maxTokens === undefined || f.maxTokens >= 256)) w = 1;
  if (f.outputMax) w = Math.max(w, 0.6);
  if (f.n > 1) w = Math.max(w, 0.6);
  if (f.refusalProbe || f.logitBias) w = Math.max(w, 0.3);
  if (f.cotWeak) w = Math.max(w, 0.2);
  return w;
}

function wantsFullAnswer(f: RequestFeatures): boolean {
  return (f.maxTokens === undefined || f.maxTokens >= 512) && (f.temperature === undefined || f.temperature >= 0.3);
}

/**
 * The answer is much longer than the prompt: generation, not transformation. Rewriting, translating
 * and summarising apps send a fixed wrapper over varied texts too, but get back about what they sent.
 * Without a response summary, a large max_tokens stands in.
 */
export function expands(f: RequestFeatures): boolean {
  const inputTokens = f.inputChars / 4;
  if (f.outputTokens > 0) return f.outputTokens >= 2 * inputTokens;
  return (f.maxTokens ?? 4096) >= 2048 && (f.maxTokens ?? 4096) >= 4 * inputTokens;
}

export class AccountProfile {
  evidence: Evidence = emptyEvidence();
  prefixes = new HeavyHitters(TEMPLATE_SLOTS);
  suffixes = new HeavyHitters(TEMPLATE_SLOTS);
  systems = new HeavyHitters(4);
  networks = new DistinctCounter(DISTINCT_K);
  endUsers = new DistinctCounter(DISTINCT_K);
  userAgents = new DistinctCounter(8);
  /** Ring of recent MinHash signatures of templated-length prompts. */
  reservoir: Uint32Array[] = [];
  reservoirNext = 0;
  /** Ring of hashes of recent whole prompts: a repeat (retry, resample) is not template evidence. */
  recent: number[] = [];
  recentNext = 0;
  /** Hours of day (UTC) with activity, as a 24-bit mask. */
  hours = 0;
  maxScore = 0;

  constructor(readonly account: string) {}

  update(f: RequestFeatures, shared: SharedTemplates): RequestTrace {
    const e = this.evidence;
    const gap = e.n > 0 ? f.ts - e.lastTs : Number.POSITIVE_INFINITY;
    e.n++;
    if (e.firstTs === 0) e.firstTs = f.ts;
    e.lastTs = Math.max(e.lastTs, f.ts);
    if (gap >= 0 && gap < MACHINE_GAP_MS) e.machineGaps++;
    const single = f.depth === 0;
    if (single) e.singleTurn++;
    e.depthSum += Math.min(f.depth, 50);
    if (f.cotStrong) e.cotStrong++;
    if (f.cotWeak) e.cotWeak++;
    if (f.reasoningParam) e.reasoningParam++;
    if (f.outputMax) e.outputMax++;
    if (f.logprobs) e.logprobs++;
    if (f.n > 1) e.multiSample++;
    if (f.refusalProbe) e.refusalProbe++;
    e.outputTokens += Math.max(0, Math.min(f.outputTokens, 1e6));
    this.networks.add(f.network);
    if (f.endUser !== 0) this.endUsers.add(f.endUser);
    if (f.userAgent !== 0) this.userAgents.add(f.userAgent);
    if (f.system !== 0) this.systems.add(f.system);
    this.hours |= 1 << new Date(f.ts).getUTCHours();

    const templateTokens: number[] = [];
    let templated = false;
    const repeat = this.recent.includes(f.exact);
    if (!repeat) {
      if (this.recent.length < RECENT_EXACT) this.recent.push(f.exact);
      else this.recent[this.recentNext] = f.exact;
      this.recentNext = (this.recentNext + 1) % RECENT_EXACT;
    }
    if (f.skeletonLength >= MIN_TEMPLATE_TOKENS && !repeat) {
      templated = this.edge(this.prefixes, f.prefix, f.exact, shared, templateTokens) || templated;
      templated = this.edge(this.suffixes, f.suffix, f.exact, shared, templateTokens) || templated;
      if (this.nearDuplicate(f.minhash)) {
        e.nearDuplicate++;
        templated = true;
      }
    }
    templated = templated && single;
    let w = 0;
    if (templated) {
      e.templated++;
      w = harvestWeight(f);
      e.harvest += w;
      if (wantsFullAnswer(f) && expands(f)) {
        e.sweep++;
        if (f.category >= 0) e.sweepCategories[f.category]!++;
      }
    }
    return { templated, harvestWeight: w, templateTokens };
  }

  /** The inputs of app evidence (score.ts appEvidence), from this profile alone. */
  appSignals(): AppSignals {
    const e = this.evidence;
    return {
      n: e.n,
      endUsers: this.endUsers.estimate(),
      topSystem: this.systems.top()?.count ?? 0,
      machineGaps: e.machineGaps,
    };
  }

  /** Counts a template edge hash; true when it is this account's template or one shared by others. */
  private edge(hh: HeavyHitters, h: number, exact: number, shared: SharedTemplates, tokens: number[]): boolean {
    const before = hh.add(h);
    shared.use(h, exact, before === 0);
    if (before >= 1) tokens.push(h);
    return before >= 2 || shared.accounts(h) >= 3;
  }

  private nearDuplicate(sig: Uint32Array): boolean {
    let hit = false;
    for (const old of this.reservoir) {
      // Identical signatures are exact repeats of one prompt (a retry), not a template.
      const j = jaccard(old, sig);
      if (j >= NEAR_DUPLICATE && j < 1) {
        hit = true;
        break;
      }
    }
    // Kept as is: each request's signature is a fresh array that nothing else writes to.
    if (this.reservoir.length < RESERVOIR) this.reservoir.push(sig);
    else this.reservoir[this.reservoirNext] = sig;
    this.reservoirNext = (this.reservoirNext + 1) % RESERVOIR;
    return hit;
  }

  toJSON(): Record<string, unknown> {
    return {
      v: 1,
      evidence: this.evidence,
      prefixes: this.prefixes.toJSON(),
      suffixes: this.suffixes.toJSON(),
      systems: this.systems.toJSON(),
      networks: this.networks.values,
      endUsers: this.endUsers.values,
      userAgents: this.userAgents.values,
      reservoir: this.reservoir.map((sig) => Array.from(sig)),
      reservoirNext: this.reservoirNext,
      recent: this.recent,
      hours: this.hours,
      maxScore: this.maxScore,
    };
  }

  /** Rebuilds a profile from its JSON form; tolerant of missing or malformed fields (they reset). */
  static fromJSON(account: string, v: unknown): AccountProfile {
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const p = new AccountProfile(account);
    p.evidence = evidenceFrom(o.evidence);
    p.prefixes = HeavyHitters.from(TEMPLATE_SLOTS, o.prefixes);
    p.suffixes = HeavyHitters.from(TEMPLATE_SLOTS, o.suffixes);
    p.systems = HeavyHitters.from(4, o.systems);
    p.networks = DistinctCounter.from(DISTINCT_K, o.networks);
    p.endUsers = DistinctCounter.from(DISTINCT_K, o.endUsers);
    p.userAgents = DistinctCounter.from(8, o.userAgents);
    if (Array.isArray(o.reservoir)) {
      for (const sig of o.reservoir.slice(0, RESERVOIR)) {
        if (Array.isArray(sig) && sig.length === MINHASH_K && sig.every((x) => typeof x === 'number'))
          p.reservoir.push(Uint32Array.from(sig));
      }
    }
    p.reservoirNext = typeof o.reservoirNext === 'number' ? Math.abs(Math.floor(o.reservoirNext)) % RESERVOIR : 0;
    if (Array.isArray(o.recent))
      p.recent = o.recent.filter((x): x is number => typeof x === 'number').slice(0, RECENT_EXACT);
    p.hours = typeof o.hours === 'number' ? o.hours & 0xffffff : 0;
    p.maxScore = typeof o.maxScore === 'number' && o.maxScore >= 0 && o.maxScore <= 1 ? o.maxScore : 0;
    return p;
  }
}
