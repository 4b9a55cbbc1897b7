/**
 * Scoring: evidence → a score in 0..1 with machine-readable reasons. A pure function, so the same
 * evidence always gives the same score, and a cluster is scored exactly like an account.
 *
 * What separates a harvesting campaign from heavy legitimate use is what it asks for, not how much:
 * an app with a fixed system prompt, a batch job and an evaluation harness all send many similar
 * requests, but they do not ask one template for reasoning, maximal output or log-probabilities over
 * a wide spread of capabilities. So every component needs templated single-turn traffic AND intent
 * (or coverage), and volume only raises confidence.
 */
import type { Evidence } from './evidence.js';
import { CATEGORIES } from './features/markers.js';

export interface ScoreParts {
  /** Templated requests asking for reasoning / maximal output / logprobs. */
  harvest: number;
  /** One template over many capability areas, asking for full answers. */
  sweep: number;
}

export interface Score {
  score: number;
  reasons: string[];
  parts: ScoreParts;
}

/** Tuning constants, named so the evaluation can report them. Tuned on seeds 1–2 only. */
export const SCORING = {
  /** Share of an account's requests that must be harvest-pattern for full weight. */
  harvestShare: 0.3,
  /** Pseudo-count: harvest evidence h gives confidence h/(h+harvestPrior). */
  harvestPrior: 4,
  sweepShare: 0.4,
  sweepPrior: 10,
  /** Normalised category entropy below which a template is a narrow task (batch job, app). */
  coverageFloor: 0.35,
  coverageSpan: 0.35,
  /** Requests per day above which `high_volume` is given as a reason. */
  highVolumePerDay: 500,
  lowAndSlowPerDay: 100,
  /** Share of an account's own score that app evidence can remove (see `appEvidence`). */
  appDiscount: 0.9,
  /** Distinct end users needed before app evidence counts at all, and for full weight. */
  appMinUsers: 3,
  appFullUsers: 12,
  /** Distinct end users per request for full weight (an app's users mostly send few requests each). */
  appUsersPerRequest: 0.3,
  /** Share of requests under the account's most common system prompt: from … to full weight. */
  appSystemFrom: 0.6,
  appSystemSpan: 0.3,
  /** Share of machine-speed gaps (< 3 s) at which timing stops looking like people. */
  appMachineGapsMax: 0.25,
  appMachineGapsSpan: 0.15,
} as const;

/** What app evidence is made of; all from the account's own bounded profile. */
export interface AppSignals {
  /** Requests seen by this process for the account. */
  n: number;
  /** Estimated distinct end-user ids (the client's `user` / `metadata.user_id`). */
  endUsers: number;
  /** Requests under the most common system prompt (0 without one). */
  topSystem: number;
  /** Gaps to the previous request shorter than MACHINE_GAP_MS. */
  machineGaps: number;
}

/**
 * How much the account looks like a production app serving people, 0..1: one fixed system prompt,
 * many distinct end users, each sending few requests, and timing that is not machine speed. A
 * legitimate "explain step by step" app wraps varied questions in one template and asks for
 * reasoning, which is otherwise the harvest pattern; what separates it is who is asking. Every
 * factor is needed (a product): a scripted harvest through a fixed template, with or without a
 * system prompt, stays machine-timed or carries no end users, and keeps its score. All three can be
 * forged by a patient attacker (see docs/evaluation/extraction.md, Limits); the discount is
 * therefore bounded by `appDiscount` and never applies to a cross-account group.
 */
export function appEvidence(s: AppSignals): number {
  if (s.n <= 0 || s.endUsers < SCORING.appMinUsers) return 0;
  const users =
    sat((s.endUsers - SCORING.appMinUsers + 1) / (SCORING.appFullUsers - SCORING.appMinUsers + 1)) *
    sat(s.endUsers / (SCORING.appUsersPerRequest * s.n));
  const system = sat((s.topSystem / s.n - SCORING.appSystemFrom) / SCORING.appSystemSpan);
  const timing = sat((SCORING.appMachineGapsMax - s.machineGaps / s.n) / SCORING.appMachineGapsSpan);
  return users * system * timing;
}

function sat(x: number): number {
  return Math.max(0, Math.min(1, x));
}

/** Normalised Shannon entropy of a histogram (0 = one category, 1 = uniform over all). */
export function coverage(hist: readonly number[]): number {
  let total = 0;
  for (const c of hist) total += c;
  if (total === 0) return 0;
  let h = 0;
  for (const c of hist) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h / Math.log(CATEGORIES.length);
}

/** `app`: the account's app evidence (appEvidence), 0 for groups. */
export function scoreEvidence(e: Evidence, app = 0): Score {
  const n = Math.max(1, e.n);
  const keep = 1 - SCORING.appDiscount * sat(app);
  const harvest = keep * sat(e.harvest / n / SCORING.harvestShare) * (e.harvest / (e.harvest + SCORING.harvestPrior));
  const cov = coverage(e.sweepCategories);
  const sweep =
    keep *
    sat(e.sweep / n / SCORING.sweepShare) *
    sat((cov - SCORING.coverageFloor) / SCORING.coverageSpan) *
    (e.sweep / (e.sweep + SCORING.sweepPrior));
  const score = 1 - (1 - harvest) * (1 - sweep);

  const reasons: string[] = [];
  if (score >= 0.3) {
    if (e.templated / n >= 0.3) reasons.push('template_reuse');
    if (e.nearDuplicate / n >= 0.3) reasons.push('paraphrased_template');
    if (e.cotStrong / n >= 0.2) reasons.push('cot_elicitation');
    if (e.reasoningParam / n >= 0.2) reasons.push('reasoning_requested');
    if (e.outputMax / n >= 0.2) reasons.push('output_maximisation');
    if (e.logprobs / n >= 0.2) reasons.push('logprobs_harvest');
    if (e.multiSample / n >= 0.2) reasons.push('multi_sample');
    if (e.refusalProbe / n >= 0.1) reasons.push('refusal_probing');
    if (sweep >= 0.3) reasons.push('capability_sweep');
    if (e.singleTurn / n >= 0.9) reasons.push('single_turn');
    if (e.machineGaps / n >= 0.5) reasons.push('machine_timing');
    if (app >= 0.5) reasons.push('app_traffic');
    const days = Math.max(1 / 24, (e.lastTs - e.firstTs) / 86_400_000);
    const perDay = e.n / days;
    if (e.n >= 50 && perDay >= SCORING.highVolumePerDay) reasons.push('high_volume');
    if (days >= 1 && perDay <= SCORING.lowAndSlowPerDay) reasons.push('low_and_slow');
  }
  return { score, reasons, parts: { harvest, sweep } };
}
