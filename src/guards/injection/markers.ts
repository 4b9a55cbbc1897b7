/**
 * `injection.role_markers`: chat-template tokens and role headers inside content. A user or a document
 * has no reason to write `<|im_start|>system` or `[INST]`; doing so tries to make the model believe a
 * new system or assistant turn has begun. Pasted transcripts and documentation that *discuss* templates
 * are the hard negatives: markers inside code spans score lower, plain "User:/Assistant:" lines lowest.
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';

interface MarkerRule {
  readonly kind: string;
  readonly pattern: RegExp;
  readonly score: number;
}

// Every pattern is a literal alternation or anchored line header: linear time, no nested quantifiers.
const RULES: readonly MarkerRule[] = [
  {
    kind: 'special_token',
    pattern:
      /<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end_of_text|end|channel|message|start)\|>/gi,
    score: 0.92,
  },
  { kind: 'llama_sys', pattern: /<<\/?SYS>>/g, score: 0.92 },
  { kind: 'llama_inst', pattern: /\[\/?INST\]/g, score: 0.85 },
  { kind: 'gemma_turn', pattern: /<(?:start|end)_of_turn>(?:system|user|model)?/g, score: 0.85 },
  {
    kind: 'fake_role_json',
    pattern: /["']role["']\s{0,4}:\s{0,4}["'](?:system|developer|assistant)["']/gi,
    score: 0.75,
  },
  {
    kind: 'markdown_role_header',
    pattern: /^#{2,4}\s{0,3}(?:system|assistant)\s{0,3}(?:prompt|message)?\s{0,3}:?\s*$/gim,
    score: 0.7,
  },
  { kind: 'human_assistant_turn', pattern: /\n\n(?:Human|Assistant):/g, score: 0.7 },
  { kind: 'xml_system_tag', pattern: /<\/?(?:system|system_prompt|sys|instructions?)>/gi, score: 0.6 },
  { kind: 'system_header', pattern: /^\s{0,3}(?:\[system\]|\(system\)|SYSTEM\s{0,2}:|System\s{0,2}:)/gm, score: 0.6 },
  { kind: 'alpaca_header', pattern: /^#{3}\s{0,2}(?:Instruction|Response|Input)\s{0,2}:/gm, score: 0.35 },
  { kind: 'transcript_turn', pattern: /^(?:User|Assistant|AI|Bot)\s{0,2}:/gm, score: 0.3 },
];

/** Offsets of ``` fences and `inline` spans, so markers shown as code can be discounted. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const fence = /```/g;
  let open = -1;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    if (open < 0) open = m.index;
    else {
      spans.push([open, m.index + 3]);
      open = -1;
    }
  }
  const inline = /`[^`\n]{1,200}`/g;
  for (let m = inline.exec(text); m !== null; m = inline.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function inside(spans: Array<[number, number]>, at: number): boolean {
  for (const [s, e] of spans) if (at >= s && at < e) return true;
  return false;
}

const MAX_FINDINGS = 8;

export function detectRoleMarkers(text: string, ctx: DetectContext): Finding[] {
  const findings: Finding[] = [];
  let spans: Array<[number, number]> | undefined;
  // A developer's own system prompt may legitimately describe templates; the model's output likewise.
  const roleFactor = ctx.role === 'system' || ctx.role === 'assistant' ? 0.5 : 1;
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    const m = rule.pattern.exec(text);
    if (m === null) continue;
    spans ??= codeSpans(text);
    const codeFactor = inside(spans, m.index) ? 0.5 : 1;
    findings.push({
      detector: 'injection.role_markers',
      category: 'injection',
      score: round(rule.score * roleFactor * codeFactor),
      start: m.index,
      end: m.index + m[0].length,
      reason: codeFactor < 1 ? `${rule.kind}_in_code` : rule.kind,
    });
    if (findings.length >= MAX_FINDINGS) break;
  }
  return findings;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const roleMarkersDetector: Detector = {
  name: 'injection.role_markers',
  category: 'injection',
  defaultAction: 'block',
  description:
    'Chat-template tokens and role headers (<|im_start|>, [INST], <<SYS>>, fake {"role":"system"}) inside content',
  detect: detectRoleMarkers,
};
