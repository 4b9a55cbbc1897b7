import type { Finding } from '../../core/findings.js';
import type { Detector } from '../types.js';
import { overlapIndexFor } from './overlap.js';

export const CANARY_DETECTOR = 'canary.system_prompt_leak';

/**
 * Finds a leak of this request's system prompt in an answer: the planted token (any case) or a verbatim
 * run of `overlapChars` characters of the prompt. Built per request, since token and prompt are.
 */
export function createCanaryDetector(token: string, systemPrompt: string, overlapChars: number): Detector {
  // The token alphabet is [a-z0-9], so a case-insensitive match is a search in the lower-cased answer.
  const needle = token.toLowerCase();
  const overlap = overlapIndexFor(systemPrompt, overlapChars);
  return {
    name: CANARY_DETECTOR,
    category: 'canary',
    defaultAction: 'block',
    description: 'The per-request canary token or a verbatim part of the system prompt appears in the answer',
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      // Lower-casing keeps offsets unless the text has characters whose lower case is longer (e.g. 'İ');
      // then the token is searched case-insensitively in place.
      let lower = text.toLowerCase();
      if (lower.length !== text.length) lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
      for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
        out.push({
          detector: CANARY_DETECTOR,
          category: 'canary',
          score: 1,
          start: at,
          end: at + needle.length,
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
