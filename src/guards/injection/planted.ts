/**
 * `injection.planted_instruction`: an instruction planted in a document or a tool result (role `tool`)
 * for the model that reads it. Content retrieved for the user has no reason to announce new instructions
 * ("New instructions:", "Updated task for the assistant"), to carry a role label inside its data
 * (`"note": "SYSTEM: …"`, `<!-- assistant: …`), to steer what the assistant tells its user ("tell the user
 * to…", "do not mention this to the user"), or to ask for the conversation to be sent somewhere; nor to
 * address the AI by name while also doing any of the other things the cues of cues.ts describe.
 *
 * It reads the same hand-made cues as the classifier (cues.ts), on the same normalised text, but decides
 * by rule: the classifier learns cue weights from data where indirect attacks are few, and under-weights
 * them. Measured (eval/injection/planted.ts): on the authored held-out tool texts it finds 40 of 72
 * planted instructions with no false positive among 80 benign documents; on 1,000 BIPIA clean contexts
 * (emails, code answers, tables) it fires on none. It runs on role `tool` only: a user writing "new
 * instructions" to their own assistant is no attack on them.
 */
import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';
import { firedCues } from './features.js';
import { normalizeForClassification } from './normalize.js';

/** Cues that on their own make content an instruction to the model. */
const DECISIVE = new Set(['new_instructions', 'embedded_role', 'steer_user', 'exfiltration']);

/** The cues that fired when `text` carries a planted instruction, else undefined. */
export function plantedCues(text: string): string[] | undefined {
  const fired = firedCues(normalizeForClassification(text).text);
  if (fired.some((c) => DECISIVE.has(c))) return fired;
  if (fired.includes('addressed_to_ai') && fired.length >= 2) return fired;
  return undefined;
}

export const plantedInstructionDetector: Detector = {
  name: 'injection.planted_instruction',
  category: 'injection',
  // Role tool is governed by the indirect policy (default log), like every injection detector's.
  defaultAction: 'block',
  description: 'Instructions for the model planted in documents and tool results (role tool), found by hand-made cues.',
  detect(text: string, ctx: DetectContext): Finding[] {
    if (ctx.role !== 'tool' || text.length < 12) return [];
    const cues = plantedCues(text);
    if (cues === undefined) return [];
    return [
      {
        detector: 'injection.planted_instruction',
        category: 'injection',
        score: 0.9,
        start: 0,
        end: text.length,
        reason: cues.slice(0, 4).join(','),
      },
    ];
  },
};
