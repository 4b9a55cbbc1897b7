import type { Finding, FindingCategory } from '../../core/findings.js';

/** Builds a finding with a score clamped to 0..1 and rounded so outputs are stable across runs. */
export function spanFinding(
  detector: string,
  category: FindingCategory,
  score: number,
  start: number,
  end: number,
  reason?: string,
): Finding {
  const s = score < 0 ? 0 : score > 1 ? 1 : Math.round(score * 100) / 100;
  const f: Finding = { detector, category, score: s, start, end };
  if (reason !== undefined) f.reason = reason;
  return f;
}
