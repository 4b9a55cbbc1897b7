import { PortcullisError } from '../core/errors.js';
import type { Exchange } from '../core/exchange.js';
import type { Decision, Finding } from '../core/findings.js';
import type { DetectorError, FindingAction } from './engine.js';

export const FINDINGS_HEADER = 'x-portcullis-findings';

/** `pii.email=2;secret.openai_api_key=1`: detector names and counts in first-seen order, never values. */
export function findingsHeader(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.detector, (counts.get(f.detector) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name}=${n}`).join(';');
}

/** Adds one finding to the header in place: O(detectors), not O(findings), for long answers. */
export function countInFindingsHeader(ex: Exchange, detector: string): void {
  const counts = new Map<string, number>();
  const current = ex.responseHeaders[FINDINGS_HEADER];
  if (current) {
    for (const item of current.split(';')) {
      const eq = item.lastIndexOf('=');
      counts.set(item.slice(0, eq), Number(item.slice(eq + 1)));
    }
  }
  counts.set(detector, (counts.get(detector) ?? 0) + 1);
  ex.responseHeaders[FINDINGS_HEADER] = [...counts].map(([name, n]) => `${name}=${n}`).join(';');
}

/**
 * Findings from one answer kept in `ex.findings` (and so in the audit record). An answer that is nothing
 * but e-mail addresses is still masked throughout; past this many, only the counts (header, decision) grow.
 */
export const MAX_RESPONSE_FINDINGS = 256;

export function updateFindingsHeader(ex: Exchange): void {
  const value = findingsHeader(ex.findings);
  if (value !== '') ex.responseHeaders[FINDINGS_HEADER] = value;
}

/**
 * One Decision per (action, detector) of a stage, updated in place as more findings arrive, so a long
 * answer full of e-mail addresses adds one decision, not hundreds.
 */
export class DecisionTally {
  readonly #open = new Map<string, { decision: Decision; count: number }>();

  constructor(
    private readonly ex: Exchange,
    private readonly stage: string,
  ) {}

  add(finding: Finding, action: FindingAction): void {
    const key = `${action}\u0000${finding.detector}`;
    let entry = this.#open.get(key);
    if (entry === undefined) {
      const decision: Decision = {
        stage: this.stage,
        action,
        detector: finding.detector,
        score: finding.score,
        reasons: [],
      };
      entry = { decision, count: 0 };
      this.#open.set(key, entry);
      this.ex.decisions.push(decision);
    }
    entry.count++;
    const d = entry.decision;
    if (finding.score > (d.score ?? 0)) d.score = finding.score;
    d.reasons[0] = `${entry.count} ${finding.category} finding${entry.count === 1 ? '' : 's'}`;
    if (d.reasons.length < 4 && finding.where !== undefined && !d.reasons.includes(`in ${finding.where}`)) {
      d.reasons.push(`in ${finding.where}`);
    }
  }
}

function score2(score: number): string {
  return score.toFixed(2);
}

/** A detector failed: the gateway answers 500 naming the detector, never the text (fail closed). */
export function detectorFailed(err: DetectorError): PortcullisError {
  return new PortcullisError('PCX_INTERNAL', `${err.message}: the request could not be inspected`, {
    details: { detector: err.detector },
    cause: err,
  });
}

/** The request was refused: findings and header are already recorded, so the error response carries them. */
export function contentBlocked(finding: Finding): PortcullisError {
  return new PortcullisError(
    'PCX_CONTENT_BLOCKED',
    `blocked by ${finding.detector} (score ${score2(finding.score)}) in ${finding.where ?? 'the request'}: ` +
      'the request contains content the gateway policy does not allow',
    { details: { detector: finding.detector, category: finding.category, score: finding.score } },
  );
}

/**
 * A ScanReporter for response filters: records the finding (where `response`, the channel in `reason`),
 * tallies the decision, refreshes the header, and throws PCX_OUTPUT_BLOCKED for `block`.
 */
export function responseReporter(ex: Exchange, tally: DecisionTally) {
  let recorded = 0;
  return function report(finding: Finding, action: FindingAction, channel: string): void {
    const f: Finding = {
      ...finding,
      where: 'response',
      reason: finding.reason === undefined ? `channel=${channel}` : `${finding.reason};channel=${channel}`,
    };
    if (recorded < MAX_RESPONSE_FINDINGS) {
      ex.findings.push(f);
      recorded++;
    }
    tally.add(f, action);
    countInFindingsHeader(ex, f.detector);
    if (action === 'block') {
      throw new PortcullisError(
        'PCX_OUTPUT_BLOCKED',
        `answer blocked by ${f.detector} (score ${score2(f.score)}): the model's answer contains content the gateway policy does not allow`,
        { details: { detector: f.detector, category: f.category, score: f.score } },
      );
    }
  };
}
