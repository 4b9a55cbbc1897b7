/**
 * `injection.obfuscation`: text disguised from keyword filters — look-alike letters mixed into Latin
 * words, leetspeak, spaced-out letters. Disguise alone is weak evidence (passwords have leetspeak);
 * disguise around text that classifies as an injection once normalised is strong evidence.
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';
import { analyze } from './analysis.js';
import type { InjectionModel } from './model.js';

export function detectObfuscation(text: string, _ctx: DetectContext, model?: InjectionModel): Finding[] {
  const { score, start, end, stats } = analyze(text, model);
  // One leet-looking token is usually a unit or an identifier; two or more is a pattern.
  const leet = stats.leetWords >= 2 ? stats.leetWords : 0;
  const tricks = stats.homoglyphWords + leet + 2 * stats.spacedRuns;
  if (tricks === 0) return [];
  const disguise = tricks >= 3 ? 0.45 : 0.25;
  // The classifier already saw the normalised text; disguise around a likely attack adds at most 0.3.
  const combined = score >= 0.5 ? Math.min(1, score + 0.1 * Math.min(tricks, 3)) : disguise;
  const kinds: string[] = [];
  if (stats.homoglyphWords > 0) kinds.push('homoglyphs');
  if (leet > 0) kinds.push('leetspeak');
  if (stats.spacedRuns > 0) kinds.push('spaced_letters');
  return [
    {
      detector: 'injection.obfuscation',
      category: 'injection',
      score: Math.round(combined * 1000) / 1000,
      start,
      end,
      reason: kinds.join('+'),
    },
  ];
}

export const obfuscationDetector: Detector = {
  name: 'injection.obfuscation',
  category: 'injection',
  defaultAction: 'alert',
  description:
    'Keyword-filter evasion (homoglyphs, leetspeak, spaced letters), scored higher when the normalised text classifies as injection',
  detect: (text, ctx) => detectObfuscation(text, ctx),
};
