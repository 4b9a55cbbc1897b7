/**
 * The extraction-defence engine: features → profile → score (account and group) → response.
 * `observe` is the one entry point, used identically by trace replay and by the gateway's recorder.
 * It is synchronous and bounded; persistence happens elsewhere from `takeDirty()`.
 */
import { type ExtractionConfig, extractionSchema } from '../config/extraction.js';
import type { Action } from '../core/findings.js';
import { ClusterIndex, copyEvidence } from './cluster.js';
import { addEvidence, type Evidence } from './evidence.js';
import { extractFeatures } from './features/extract.js';
import { FIXED_HASH_KEY, type HashKey, hashKeyFrom } from './hash.js';
import type { SubstreamSummary } from './keywatch/substream.js';
import { type KeyObservation, type KeyRecord, KeyWatch } from './keywatch/watch.js';
import { actionFor, isFlagAction, type ResolvedPolicy, resolvePolicy } from './policy.js';
import { AccountProfile } from './profile.js';
import { appEvidence, scoreEvidence } from './score.js';
import type { RequestFeatures, RequestObservation } from './types.js';

/** Operator judgement on an account. */
export type AccountStatus = 'normal' | 'allowed' | 'confirmed' | 'cleared';

export interface Verdict {
  account: string;
  requests: number;
  /** The score acted on: the highest so far of the account's own and its group's. */
  score: number;
  accountScore: number;
  clusterScore: number;
  action: Action;
  flagged: boolean;
  reasons: string[];
  cluster: string | null;
  status: AccountStatus;
  /** Share of the key's traffic in the named sub-stream (stolen/shared key), when one is flagged. */
  share?: number;
  substream?: SubstreamSummary;
}

interface AccountState {
  profile: AccountProfile;
  tenant: string | undefined;
  status: AccountStatus;
  id: number;
  verdict: Verdict;
  /** The last flagged key's sub-stream of this account. */
  keyAlert?: { share: number; substream: SubstreamSummary };
}

export interface EngineOptions {
  /** Called when an account's action becomes stronger (for alerts and the decision log). */
  onEscalate?: (v: Verdict, previous: Action) => void;
  /**
   * Called once when a key's change test first flags a sub-stream ("possible stolen key"), with the
   * API key id when the request carried one (the operator rotates that key) and the account's action
   * before. The escalation this flag causes is reported here only, not also through `onEscalate`.
   */
  onKeyFlagged?: (v: Verdict, key: string | undefined, previous: Action) => void;
  /** Called with a profile dropped from memory beyond `max_profiles` (persist it). */
  onEvict?: (account: string, profile: AccountProfile) => void;
  /**
   * Key of the prompt-text hashes. Default: from `config.hash_key` when set, else the fixed public
   * key (replay and evaluation are then deterministic). The gateway passes its deployment key.
   */
  hashKey?: HashKey;
}

/** A member's own share of templated traffic needed to inherit its group's score. */
const MEMBER_TEMPLATED_SHARE = 0.3;

export class ExtractionEngine {
  readonly config: ExtractionConfig;
  private readonly accounts = new Map<string, AccountState>();
  private readonly clusters = new ClusterIndex((a) => this.accounts.get(a)?.profile.evidence);
  private readonly policies = new Map<string, ResolvedPolicy>();
  private readonly defaultPolicy: ResolvedPolicy;
  private readonly dirty = new Set<string>();
  /** Evidence of other gateway processes, per account (shared through the store). */
  private readonly remote = new Map<string, Evidence>();
  /** Group score at which members are re-judged: the weakest response stronger than logging. */
  private readonly flagThreshold: number;
  private readonly keyWatch: KeyWatch | undefined;
  /** The key watch's view of the last observed request (the shape stage and evaluation read it). */
  lastKey: KeyObservation | undefined;
  private readonly hashKey: HashKey;

  constructor(
    config: ExtractionConfig = extractionSchema.parse({}),
    private readonly opts: EngineOptions = {},
  ) {
    this.config = config;
    this.hashKey = opts.hashKey ?? (config.hash_key !== undefined ? hashKeyFrom(config.hash_key) : FIXED_HASH_KEY);
    this.defaultPolicy = resolvePolicy(config, undefined);
    this.flagThreshold =
      config.thresholds.alert ??
      config.thresholds.throttle ??
      config.thresholds.degrade ??
      config.thresholds.block ??
      2;
    const kw = config.key_watch;
    this.keyWatch = kw.enabled
      ? new KeyWatch(kw.max_keys, { share: kw.share, threshold: kw.threshold, maxLlr: 8 }, kw.min_requests)
      : undefined;
  }

  /** The per-key watch (stolen and shared keys), when enabled. */
  get keys(): KeyWatch | undefined {
    return this.keyWatch;
  }

  policyFor(tenant: string | undefined): ResolvedPolicy {
    if (tenant === undefined) return this.defaultPolicy;
    let p = this.policies.get(tenant);
    if (!p) {
      p = resolvePolicy(this.config, tenant);
      this.policies.set(tenant, p);
    }
    return p;
  }

  observe(obs: RequestObservation, tenant?: string): Verdict {
    return this.observeFeatures(obs.account, extractFeatures(obs, this.hashKey), tenant, obs.key);
  }

  observeFeatures(account: string, f: RequestFeatures, tenant?: string, key?: string): Verdict {
    const st = this.state(account, tenant);
    const grouped = this.config.clustering && this.clusters.groupSize(st.id) > 1;
    const before = grouped ? copyEvidence(st.profile.evidence) : undefined;
    const trace = st.profile.update(f, this.clusters);
    if (this.config.clustering) {
      this.clusters.link(st.id, trace.templateTokens, f.userAgent, f.network);
      if (before) this.clusters.applyDelta(st.id, before, st.profile.evidence);
    }
    let justFlagged = false;
    if (this.keyWatch) {
      const k = this.keyWatch.observe(account, f);
      this.lastKey = k.obs;
      if (k.obs.flagged) st.keyAlert = k.state.substream();
      justFlagged = k.obs.justFlagged;
    }
    this.dirty.add(account);
    const previous = st.verdict.action;
    // One report per event: a key's flag raising the account is told once, as the stolen-key alert.
    const v = this.judge(st, justFlagged && this.opts.onKeyFlagged !== undefined);
    if (justFlagged) this.opts.onKeyFlagged?.(v, key, previous);
    return v;
  }

  /** Keys whose watch changed and is due for a write (`all`: every changed key), for batched persistence. */
  takeDirtyKeys(all = true): KeyRecord[] {
    return this.keyWatch?.takeDirty(all) ?? [];
  }

  /**
   * Takes a persisted key state (this process's own after a restart, or another process's). When it
   * brings a flag, the account carries the key's sub-stream from now on; no alert is sent again (the
   * process that flagged the key sent it).
   */
  loadKey(account: string, id: string, state: unknown, tenant?: string): Verdict | undefined {
    if (!this.keyWatch) return undefined;
    const flagged = this.keyWatch.merge(id, account, state);
    if (!flagged) return undefined;
    const st = this.state(account, tenant);
    st.keyAlert = flagged.substream();
    return this.judge(st, true);
  }

  /**
   * Sets the sum of other processes' evidence for an account (undefined forgets it) and judges the
   * account again with it.
   */
  setRemoteEvidence(account: string, e: Evidence | undefined, tenant?: string): Verdict {
    if (e === undefined) this.remote.delete(account);
    else this.remote.set(account, e);
    return this.judge(this.state(account, tenant));
  }

  /**
   * Whether a request (not yet observed) belongs to the named sub-stream of its key, when that key
   * is flagged: the shape stage aims the key-watch response at these requests only.
   */
  inSubstream(obs: RequestObservation): boolean {
    if (!this.keyWatch) return false;
    const f = extractFeatures(obs, this.hashKey);
    return this.keyWatch.get(obs.account, f)?.matchesNow(f) ?? false;
  }

  /** The current verdict of an account, or undefined if never seen. */
  verdict(account: string): Verdict | undefined {
    return this.accounts.get(account)?.verdict;
  }

  profile(account: string): AccountProfile | undefined {
    return this.accounts.get(account)?.profile;
  }

  /** Loads a persisted profile and status (before the account's first observation in this process). */
  load(account: string, profile: AccountProfile, status: AccountStatus, tenant?: string): Verdict {
    const st = this.state(account, tenant);
    const old = st.profile.evidence;
    st.profile = profile;
    st.status = status;
    if (this.config.clustering) this.clusters.applyDelta(st.id, old, profile.evidence);
    return this.judge(st);
  }

  /** Operator action. `cleared` forgets the account's evidence: it starts again from nothing. */
  setStatus(account: string, status: AccountStatus, tenant?: string): Verdict {
    const st = this.state(account, tenant);
    st.status = status;
    if (status === 'cleared') {
      this.remote.delete(account);
      st.keyAlert = undefined;
      this.keyWatch?.forget(account);
      const fresh = new AccountProfile(account);
      if (this.config.clustering) this.clusters.applyDelta(st.id, st.profile.evidence, fresh.evidence);
      st.profile = fresh;
    }
    this.dirty.add(account);
    return this.judge(st);
  }

  status(account: string): AccountStatus {
    return this.accounts.get(account)?.status ?? 'normal';
  }

  /** Every account whose last verdict is flagged or that an operator has judged. */
  list(filter: (v: Verdict) => boolean = (v) => v.flagged || v.status !== 'normal'): Verdict[] {
    const out: Verdict[] = [];
    for (const st of this.accounts.values()) if (filter(st.verdict)) out.push(st.verdict);
    return out.sort((a, b) => b.score - a.score);
  }

  allVerdicts(): IterableIterator<Verdict> {
    const it = this.accounts.values();
    return (function* () {
      for (const st of it) yield st.verdict;
    })();
  }

  /** Accounts changed since the last call, with their profiles, for batched persistence. */
  takeDirty(): Array<{ account: string; profile: AccountProfile; status: AccountStatus }> {
    const out: Array<{ account: string; profile: AccountProfile; status: AccountStatus }> = [];
    for (const a of this.dirty) {
      const st = this.accounts.get(a);
      if (st) out.push({ account: a, profile: st.profile, status: st.status });
    }
    this.dirty.clear();
    return out;
  }

  private state(account: string, tenant: string | undefined): AccountState {
    let st = this.accounts.get(account);
    if (st) {
      if (tenant !== undefined) st.tenant = tenant;
      return st;
    }
    const profile = new AccountProfile(account);
    st = {
      profile,
      tenant,
      status: 'normal',
      id: this.clusters.idOf(account),
      verdict: {
        account,
        requests: 0,
        score: 0,
        accountScore: 0,
        clusterScore: 0,
        action: 'allow',
        flagged: false,
        reasons: [],
        cluster: null,
        status: 'normal',
      },
    };
    this.accounts.set(account, st);
    if (this.accounts.size > this.config.max_profiles) this.evictOldest();
    return st;
  }

  private evictOldest(): void {
    const oldest = this.accounts.keys().next();
    if (oldest.done) return;
    const st = this.accounts.get(oldest.value)!;
    this.accounts.delete(oldest.value);
    this.dirty.delete(oldest.value);
    this.opts.onEvict?.(oldest.value, st.profile);
  }

  /** A group just became flagged: its members are judged again now, not only at their next request. */
  private rejudgeMembers(id: number): void {
    for (const m of this.clusters.membersOf(id)) {
      if (m === id) continue;
      const other = this.accounts.get(this.clusters.nameOf(m));
      if (other) this.judge(other);
    }
  }

  /** `quiet`: the caller reports an escalation itself (or none is due), so `onEscalate` is not called. */
  private judge(st: AccountState, quiet = false): Verdict {
    const remote = this.remote.get(st.profile.account);
    let e = st.profile.evidence;
    if (remote !== undefined) {
      e = copyEvidence(e);
      addEvidence(e, remote);
    }
    const own = scoreEvidence(e, appEvidence(st.profile.appSignals()));
    let score = own.score;
    let reasons = own.reasons;
    let clusterScore = 0;
    let cluster: string | null = null;
    if (this.config.clustering && this.clusters.groupSize(st.id) >= this.config.min_cluster_size) {
      cluster = this.clusters.groupId(st.id);
      const group = scoreEvidence(this.clusters.groupEvidence(st.id));
      clusterScore = group.score;
      if (group.score >= this.flagThreshold && this.clusters.markFlagged(st.id)) this.rejudgeMembers(st.id);
      const member = st.status !== 'cleared' && e.n > 0 && e.templated / e.n >= MEMBER_TEMPLATED_SHARE;
      if (member && group.score > score) {
        score = group.score;
        reasons = [
          ...new Set([...group.reasons, 'cluster_member', ...this.clusters.linkKinds(st.id).map((k) => `shared_${k}`)]),
        ];
      }
    }
    const p = st.profile;
    if (score > p.maxScore) p.maxScore = score;
    const policy = this.policyFor(st.tenant);
    const prev = st.verdict;
    let action: Action;
    if (!policy.enabled || st.status === 'allowed' || policy.allow.has(st.profile.account)) action = 'allow';
    else if (st.status === 'confirmed') action = 'block';
    else action = actionFor(p.maxScore, policy.thresholds);
    // A flagged key raises the account to at least an alert: the operator learns of it before any
    // response; the configured response applies to the matching sub-stream only (shape stage).
    const exempt = !policy.enabled || st.status === 'allowed' || policy.allow.has(st.profile.account);
    if (st.keyAlert && !exempt && rank(action) < rank('alert')) action = 'alert';
    // Reasons are kept from the strongest moment: an account that dilutes its traffic later keeps them.
    let keepReasons = score < p.maxScore && prev.reasons.length > 0 ? prev.reasons : reasons;
    if (st.keyAlert) {
      const extra = [
        'key_substream_shift',
        ...Object.keys(st.keyAlert.substream.fingerprint).map((c) => `substream_${c}`),
      ];
      keepReasons = [...new Set([...keepReasons, ...extra])];
    }
    const v: Verdict = {
      account: st.profile.account,
      requests: e.n,
      score: p.maxScore,
      accountScore: own.score,
      clusterScore,
      action,
      flagged: isFlagAction(action),
      reasons: keepReasons,
      cluster,
      status: st.status,
    };
    if (st.keyAlert) {
      v.share = Math.round(st.keyAlert.share * 1e4) / 1e4;
      v.substream = st.keyAlert.substream;
    }
    st.verdict = v;
    if (!quiet && rank(action) > rank(prev.action)) this.opts.onEscalate?.(v, prev.action);
    return v;
  }
}

const RANK: Record<Action, number> = {
  off: 0,
  allow: 0,
  log: 1,
  alert: 2,
  redact: 2,
  throttle: 3,
  degrade: 4,
  block: 5,
};
function rank(a: Action): number {
  return RANK[a];
}
