import type { Finding } from '../../core/findings.js';
import { forEachMatch, hasDigits } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { forEachMatchInRuns } from '../text/digit-runs.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Presidio's recognizer shape: a candidate pattern, a validator (checksum, date, ranges) and context words.
 * Context either raises the score or, for formats too weak to stand alone, is required.
 */
export interface PatternDetectorSpec {
  name: string;
  description: string;
  /** A global regex; must be linear (literal anchors, bounded quantifiers). */
  pattern: RegExp;
  /** Minimum ASCII digits in the text for the pattern to be worth running. */
  minDigits: number;
  validate(match: RegExpExecArray): boolean;
  context: readonly string[];
  /** Whether a match with no context words nearby is dropped; may depend on the match (e.g. its format). */
  requireContext: boolean | ((match: RegExpExecArray) => boolean);
  /** Score without and with context. */
  score: readonly [number, number];
  /**
   * Whether every match lies within a digit run (digits and separators, plus up to a few letters at either
   * end); then only such runs are scanned. False for formats that start with several letters.
   */
  inDigitRuns?: boolean;
}

export function patternDetector(spec: PatternDetectorSpec): Detector {
  const context = new ContextWords(spec.context);
  const { pattern, validate, requireContext, minDigits, name } = spec;
  const [base, boosted] = spec.score;
  return {
    name,
    category: 'pii',
    defaultAction: 'redact',
    description: spec.description,
    detect(text: string): Finding[] {
      if (!hasDigits(text, minDigits)) return [];
      const out: Finding[] = [];
      const scan = spec.inDigitRuns === false ? forEachMatch : runScanner(minDigits);
      scan(pattern, text, (m) => {
        if (!validate(m)) return;
        const start = m.index;
        const end = start + m[0].length;
        const near = context.near(text, start, end, 48, 8);
        const required = typeof requireContext === 'function' ? requireContext(m) : requireContext;
        // Required context must come before: a label after the value usually belongs to the next field.
        if (required && !context.inRange(text, start - 48, start)) return;
        out.push(spanFinding(name, 'pii', near ? boosted : base, start, end));
      });
      return out;
    },
  };
}

function runScanner(minDigits: number): (re: RegExp, text: string, each: (m: RegExpExecArray) => void) => void {
  return (re, text, each) => forEachMatchInRuns(re, text, minDigits, each);
}

/** Whether y-m-d is a real calendar date in 1900..this year. */
export function realDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > new Date().getUTCFullYear() || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}
