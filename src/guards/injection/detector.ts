/**
 * `injection.classifier`: the trained model's probability that a text tries to override the model's
 * instructions (direct injection, jailbreak, system-prompt extraction, or instructions planted in a
 * document). Scored on the normalised text, window by window; the finding spans the worst window.
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector, TextRole } from '../types.js';
import { analyze } from './analysis.js';
import type { InjectionModel } from './model.js';
import { CLASSIFIER_REPORT_FLOOR, INJECTION_THRESHOLDS } from './thresholds.js';

/** The raw classifier probability (0..1) for a text, with no reporting floor. */
export function scoreInjection(text: string, model?: InjectionModel): number {
  return analyze(text, model).score;
}

/** Which recommended threshold applies to a text in this role: `tool` content is indirect. */
export function thresholdFor(role: TextRole): number {
  return role === 'tool' ? INJECTION_THRESHOLDS.indirect : INJECTION_THRESHOLDS.direct;
}

export function detectInjection(text: string, _ctx: DetectContext, model?: InjectionModel): Finding[] {
  const { score, start, end } = analyze(text, model);
  if (score < CLASSIFIER_REPORT_FLOOR) return [];
  return [
    {
      detector: 'injection.classifier',
      category: 'injection',
      score: Math.round(score * 1000) / 1000,
      start,
      end,
      reason: 'classifier',
    },
  ];
}

export const classifierDetector: Detector = {
  name: 'injection.classifier',
  category: 'injection',
  defaultAction: 'block',
  description:
    'Trained linear classifier over normalised text (word and character n-grams, multilingual cues), max over windows',
  detect: (text, ctx) => detectInjection(text, ctx),
};
