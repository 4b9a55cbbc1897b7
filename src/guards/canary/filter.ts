import type { ResponseFilter } from '../../core/exchange.js';
import type { Finding } from '../../core/findings.js';
import type { FindingAction } from '../engine.js';
import { createOutputScanFilter } from '../output-scanner.js';
import type { GuardPolicy } from '../policy.js';
import { createCanaryDetector } from './detector.js';
import { CANARY_TOKEN_LENGTH } from './token.js';

export const CANARY_FILTER_NAME = 'guards.canary';

/**
 * Watches the answer for this request's canary token or a verbatim run of its system prompt, streamed or
 * not. Holds back just enough (the overlap length) that a leak is seen before its last character leaves.
 * `log` records it and lets the answer through; `block` (and `redact`, normalised) ends it.
 */
export function createCanaryFilter(
  policy: GuardPolicy,
  token: string,
  systemPrompt: string,
  report: (finding: Finding, action: FindingAction, channel: string) => void,
): ResponseFilter | undefined {
  const { action, overlapAction } = policy.canary;
  if (action === 'off' && overlapAction === 'off') return undefined;
  const detector = createCanaryDetector(token, systemPrompt, policy.canary.overlapChars);
  // Twice the overlap: a leak with widened whitespace is longer in the answer than in the normalised prompt.
  const span = 2 * Math.max(CANARY_TOKEN_LENGTH, policy.canary.overlapChars);
  return createOutputScanFilter({
    name: CANARY_FILTER_NAME,
    holdChars: span,
    lookbehindChars: span,
    detect: (text) => detector.detect(text, { role: 'assistant' }),
    judge: (f) => {
      const a = f.reason === 'system_prompt_overlap' ? overlapAction : action;
      return a === 'off' ? undefined : a;
    },
    report,
  });
}
