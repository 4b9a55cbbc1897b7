/**
 * Evidence: the additive counters scoring reads. An account's profile holds one; a cluster's is the
 * sum of its members', so one scoring function serves accounts and clusters alike.
 */
import { CATEGORIES } from './features/markers.js';

export interface Evidence {
  n: number;
  /** Requests with no earlier assistant turn. */
  singleTurn: number;
  depthSum: number;
  /** Single-turn requests built from a template (own or shared skeleton, or a near-duplicate). */
  templated: number;
  /** Sum of harvest-intent weights over templated requests (reasoning, output maximisation, logprobs, n>1). */
  harvest: number;
  /** Templated requests that want a full answer (no small max_tokens, not greedy decoding). */
  sweep: number;
  /** Categories of the `sweep` requests, for coverage. */
  sweepCategories: number[];
  cotStrong: number;
  cotWeak: number;
  reasoningParam: number;
  outputMax: number;
  logprobs: number;
  multiSample: number;
  refusalProbe: number;
  nearDuplicate: number;
  /** Gaps to the account's previous request shorter than MACHINE_GAP_MS. */
  machineGaps: number;
  outputTokens: number;
  firstTs: number;
  lastTs: number;
}

export function emptyEvidence(): Evidence {
  return {
    n: 0,
    singleTurn: 0,
    depthSum: 0,
    templated: 0,
    harvest: 0,
    sweep: 0,
    sweepCategories: new Array<number>(CATEGORIES.length).fill(0),
    cotStrong: 0,
    cotWeak: 0,
    reasoningParam: 0,
    outputMax: 0,
    logprobs: 0,
    multiSample: 0,
    refusalProbe: 0,
    nearDuplicate: 0,
    machineGaps: 0,
    outputTokens: 0,
    firstTs: 0,
    lastTs: 0,
  };
}

/** Adds `b` into `a` (cluster aggregation). */
export function addEvidence(a: Evidence, b: Evidence): void {
  for (const k of Object.keys(a) as (keyof Evidence)[]) {
    if (k === 'sweepCategories' || k === 'firstTs' || k === 'lastTs') continue;
    (a[k] as number) += b[k] as number;
  }
  for (let i = 0; i < a.sweepCategories.length; i++) a.sweepCategories[i]! += b.sweepCategories[i] ?? 0;
  if (b.firstTs > 0) a.firstTs = a.firstTs === 0 ? b.firstTs : Math.min(a.firstTs, b.firstTs);
  a.lastTs = Math.max(a.lastTs, b.lastTs);
}

export function evidenceFrom(v: unknown): Evidence {
  const e = emptyEvidence();
  if (typeof v !== 'object' || v === null) return e;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(e) as (keyof Evidence)[]) {
    if (k === 'sweepCategories') continue;
    const x = o[k];
    if (typeof x === 'number' && Number.isFinite(x) && x >= 0) (e[k] as number) = x;
  }
  const cats = o.sweepCategories;
  if (Array.isArray(cats)) {
    for (let i = 0; i < e.sweepCategories.length; i++) {
      const x = cats[i];
      if (typeof x === 'number' && Number.isFinite(x) && x >= 0) e.sweepCategories[i] = x;
    }
  }
  return e;
}
