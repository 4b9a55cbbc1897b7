import type { Finding } from '../../core/findings.js';
import type { Detector } from '../types.js';
import { createOverlapIndex } from './overlap.js';

export const CANARY_DETECTOR = 'canary.system_prompt_leak';

/**
 * Finds a leak of this request's system prompt in an answer: the planted token (any case) or a verbatim
 * run of `overlapChars` characters of the prompt. Built per request, since token and prompt are.
 */
export function createCanaryDetector(token: string, systemPrompt: string, overlapChars: number): Detector {
  // The token alphabet is [a-z0-9]: nothing to escape.
  const tokenRe = new RegExp(token, 'gi');
  const overlap = createOverlapIndex(systemPrompt, overlapChars);
  return {
    name: CANARY_DETECTOR,
    category: 'canary',
    defaultAction: 'block',
    description: 'The per-request canary token or a verbatim part of the system prompt appears in the answer',
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      for (const m of text.matchAll(tokenRe)) {
        out.push({
          detector: CANARY_DETECTOR,
          category: 'canary',
          score: 1,
          start: m.index,
          end: m.index + m[0].length,
          reason: 'canary_token',
        });
      }
      for (const span of overlap.find(text)) {
        out.push({
          detector: CANARY_DETECTOR,
          category: 'canary',
          score: 0.9,
          ...span,
          reason: 'system_prompt_overlap',
        });
      }
      return out;
    },
  };
}
