import type { GuardAction } from '../config/guards.js';
import type { Finding } from '../core/findings.js';
import type { DetectedFinding } from './detection-cache.js';
import type { GuardPolicy } from './policy.js';
import { PlaceholderTable } from './redaction/placeholders.js';
import type { TextRole } from './types.js';

/** What the policy does with one text: `allow` when nothing (above threshold, not allow-listed) was found. */
export type TextAction = 'allow' | 'log' | 'redact' | 'block';

export type FindingAction = Exclude<GuardAction, 'off'>;

export interface InspectResult {
  /** Findings kept by the policy, overlaps resolved, ordered by position (spanless last). */
  findings: Finding[];
  /** The action for each finding, same index. */
  actions: FindingAction[];
  action: TextAction;
  /** The text with each `redact` finding replaced by its placeholder; only when `action` is `redact`. */
  redacted?: string;
  /** The strongest blocking finding, when `action` is `block`. */
  blocking?: Finding;
}

/**
 * A detector threw. The guards fail closed: the text is not judged, so it must not pass. Carries the
 * detector's name (safe to show) and the original error as `cause` (for the log only: it may quote text).
 */
export class DetectorError extends Error {
  override readonly name = 'DetectorError';
  readonly code = 'PCX_DETECTOR_FAILED';
  constructor(
    readonly detector: string,
    cause: unknown,
  ) {
    super(`guard detector ${detector} failed`, { cause });
  }
}

const RANK: Record<TextAction, number> = { allow: 0, log: 1, redact: 2, block: 3 };

interface Judged {
  finding: Readonly<Finding>;
  action: FindingAction;
}

/** Only PII and secrets are ever replaced; injection and canary findings are judged, never cut out. */
function isRedactable(f: Finding): boolean {
  return (f.category === 'pii' || f.category === 'secret') && f.start !== undefined && f.end !== undefined;
}

/** A detector's finding, checked: a span outside the text is dropped (kept spanless), scores clamped. */
function sanitize(f: Finding, length: number): Finding {
  const score = Number.isFinite(f.score) ? Math.min(1, Math.max(0, f.score)) : 1;
  const { start, end } = f;
  const spanOk =
    Number.isInteger(start) && Number.isInteger(end) && (start as number) >= 0 && (start as number) < (end as number);
  const out: Finding = { detector: f.detector, category: f.category, score };
  if (spanOk && (end as number) <= length) {
    out.start = start as number;
    out.end = end as number;
  }
  if (f.reason !== undefined) out.reason = f.reason;
  return out;
}

/**
 * Overlapping PII/secret spans are resolved so redactions never overlap: a finding that would be redacted
 * or blocked beats one only logged (an override to `log` never un-redacts a value), then the longest span,
 * then the highest score, then the earliest. Losers are dropped: they describe the same characters.
 */
export function resolveOverlaps(items: readonly Judged[]): Judged[] {
  const spanned = items.filter((j) => isRedactable(j.finding));
  const rest = items.filter((j) => !isRedactable(j.finding));
  spanned.sort((a, b) => {
    const fa = a.finding;
    const fb = b.finding;
    return (
      RANK[b.action] - RANK[a.action] ||
      fb.end! - fb.start! - (fa.end! - fa.start!) ||
      fb.score - fa.score ||
      fa.start! - fb.start!
    );
  });
  const winners: Judged[] = [];
  for (const cand of spanned) {
    const s = cand.finding.start!;
    const e = cand.finding.end!;
    if (winners.every((w) => e <= w.finding.start! || s >= w.finding.end!)) winners.push(cand);
  }
  winners.sort((a, b) => a.finding.start! - b.finding.start!);
  rest.sort((a, b) => (a.finding.start ?? Number.MAX_SAFE_INTEGER) - (b.finding.start ?? Number.MAX_SAFE_INTEGER));
  return [...winners, ...rest];
}

/**
 * Runs the policy's detectors over one text and decides. Pure apart from `table`, which hands out
 * placeholders shared across the texts of one request (a fresh one is used when none is given).
 */
export function inspectText(
  text: string,
  role: TextRole,
  policy: GuardPolicy,
  table: PlaceholderTable = new PlaceholderTable([text]),
): InspectResult {
  const judged: Judged[] = [];
  if (policy.enabled && text.length > 0) {
    for (const { finding, declared } of detect(text, role, policy)) {
      const rule = policy.ruleFor(finding.detector, finding.category, role, declared);
      if (rule.action === 'off' || finding.score < rule.threshold) continue;
      if (isRedactable(finding) && policy.isAllowed(text.slice(finding.start, finding.end))) continue;
      judged.push({ finding, action: rule.action });
    }
  }
  const kept = resolveOverlaps(judged);
  let action: TextAction = 'allow';
  let blocking: Finding | undefined;
  for (const j of kept) {
    if (RANK[j.action] > RANK[action]) action = j.action;
    if (j.action === 'block' && (blocking === undefined || j.finding.score > blocking.score)) blocking = j.finding;
  }
  const result: InspectResult = { findings: kept.map((j) => j.finding), actions: kept.map((j) => j.action), action };
  if (action === 'block') result.blocking = blocking;
  if (action === 'redact') result.redacted = redact(text, kept, table);
  return result;
}

/** Every detector's findings over `text`, sanitised, from the policy's cache when the text was seen before. */
function detect(text: string, role: TextRole, policy: GuardPolicy): readonly DetectedFinding[] {
  const key = policy.cache?.key(role, text);
  if (key !== undefined) {
    const hit = policy.cache!.get(key);
    if (hit !== undefined) return hit;
  }
  const out: DetectedFinding[] = [];
  const ctx = { role };
  for (const detector of policy.detectors) {
    let found: Finding[];
    try {
      found = detector.detect(text, ctx);
    } catch (err) {
      throw new DetectorError(detector.name, err);
    }
    for (const raw of found) out.push({ finding: sanitize(raw, text.length), declared: detector.defaultAction });
  }
  if (key !== undefined) policy.cache!.set(key, out);
  return out;
}

/** `kept` is in start order with no overlapping redactable spans (resolveOverlaps). */
function redact(text: string, kept: readonly Judged[], table: PlaceholderTable): string {
  let out = '';
  let at = 0;
  for (const j of kept) {
    const f = j.finding;
    if (j.action !== 'redact' || !isRedactable(f)) continue;
    out += text.slice(at, f.start) + table.placeholderFor(f.detector, text.slice(f.start, f.end));
    at = f.end!;
  }
  return out + text.slice(at);
}

/** One line of `portcullis scan` output (specs/scan.md), without the id. */
export interface ScanResult {
  findings: Array<Pick<Finding, 'detector' | 'category' | 'score' | 'start' | 'end'>>;
  action: TextAction;
  redacted?: string;
}

export function scanText(text: string, role: TextRole, policy: GuardPolicy): ScanResult {
  const r = inspectText(text, role, policy);
  const findings = r.findings.map((f) => {
    const o: ScanResult['findings'][number] = { detector: f.detector, category: f.category, score: f.score };
    if (f.start !== undefined) o.start = f.start;
    if (f.end !== undefined) o.end = f.end;
    return o;
  });
  const out: ScanResult = { findings, action: r.action };
  if (r.redacted !== undefined) out.redacted = r.redacted;
  return out;
}
