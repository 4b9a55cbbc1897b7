import type { ResponseFilter } from '../core/exchange.js';
import type { Action, Finding } from '../core/findings.js';
import { DetectorError, type FindingAction } from './engine.js';
import { createOutputScanFilter } from './output-scanner.js';
import type { GuardPolicy } from './policy.js';
import { detectorFailed } from './report.js';
import type { Detector } from './types.js';

export const OUTPUT_GUARD_FILTER_NAME = 'guards.output';

/** Context the detectors get: every answer channel is the assistant speaking. */
const ASSISTANT = { role: 'assistant' } as const;

const outputDetectorCache = new WeakMap<GuardPolicy, readonly Detector[]>();

/** The policy's PII/secret detectors whose category is guarded on output; computed once per policy. */
export function outputDetectors(policy: GuardPolicy): readonly Detector[] {
  let list = outputDetectorCache.get(policy);
  if (list === undefined) {
    list = policy.detectors.filter(
      (d) => (d.category === 'pii' && policy.output.pii) || (d.category === 'secret' && policy.output.secret),
    );
    outputDetectorCache.set(policy, list);
  }
  return list;
}

/**
 * PII and secrets in the answer: `redact` masks them as `[REDACTED:<detector>]`, `block` ends the answer
 * with PCX_OUTPUT_BLOCKED (thrown by `report`). The filter sees the upstream's text, placeholders included,
 * so a user's own redacted values come back as placeholders and are not flagged here.
 */
export function createOutputGuardFilter(
  policy: GuardPolicy,
  report: (finding: Finding, action: FindingAction, channel: string) => void,
): ResponseFilter | undefined {
  const detectors = outputDetectors(policy);
  if (detectors.length === 0) return undefined;
  // Which detector's declaration applies to a finding; weak, so findings of past windows are not kept.
  const declared = new WeakMap<Finding, Action>();
  return createOutputScanFilter({
    name: OUTPUT_GUARD_FILTER_NAME,
    holdChars: policy.output.holdChars,
    lookbehindChars: 64,
    detect(text) {
      const out: Finding[] = [];
      for (const d of detectors) {
        let found: Finding[];
        try {
          found = d.detect(text, ASSISTANT);
        } catch (err) {
          // Fail closed: an answer that cannot be inspected is ended, not passed on unchecked.
          throw detectorFailed(new DetectorError(d.name, err));
        }
        for (const f of found) {
          declared.set(f, d.defaultAction);
          out.push(f);
        }
      }
      return out;
    },
    judge(finding, value) {
      const cat = finding.category;
      if ((cat === 'pii' && !policy.output.pii) || (cat === 'secret' && !policy.output.secret)) return undefined;
      if (cat !== 'pii' && cat !== 'secret') return undefined;
      const rule = policy.ruleFor(finding.detector, cat, 'assistant', declared.get(finding));
      if (rule.action === 'off' || finding.score < rule.threshold || policy.isAllowed(value)) return undefined;
      return rule.action;
    },
    report,
  });
}
