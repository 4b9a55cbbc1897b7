/**
 * `injection.encoded_payload`: instructions hidden in base64, hex or ROT13 so that filters reading the
 * surface text miss them, while the model decodes and follows them. Segments are decoded within fixed
 * bounds (bytes per segment, segments per text, total bytes, nesting depth) and the decoded text is
 * rescanned by the classifier. A 1 MB blob costs one linear regex pass plus at most MAX_TOTAL_BYTES
 * of decoding.
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';
import { scoreText } from './classifier.js';
import { defaultModel, type InjectionModel } from './model.js';

export const ENCODED_LIMITS = Object.freeze({
  /** Decoded bytes kept per segment. */
  maxSegmentBytes: 4096,
  /** Segments examined per text (the longest are not preferred: first come, first examined). */
  maxSegments: 16,
  /** Decoded bytes per text across all segments and depths. */
  maxTotalBytes: 16384,
  /** Nesting: base64 inside base64 is decoded once more, no further. */
  maxDepth: 2,
  /** ROT13 is tried on at most this many leading characters. */
  rot13Chars: 4096,
});

const BASE64 = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}){12,}\b/g;
const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){8,}/g;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Share of decoded characters that are printable text (letters, digits, punctuation, whitespace). */
function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || (c >= 0xa0 && c !== 0xfffd)) ok++;
  }
  return ok / s.length;
}

function looksLikeText(s: string): boolean {
  // Natural language has spaces between words; hashes and binary decoded as text do not.
  return (
    s.length >= 8 && printableRatio(s) >= 0.9 && /[A-Za-z\u00c0-\uffff]{2,}[\s,.]+[A-Za-z\u00c0-\uffff]{2,}/.test(s)
  );
}

function decodeBase64(segment: string, maxBytes: number): string {
  const chars = Math.floor((maxBytes * 4) / 3 / 4) * 4;
  const cut = segment.length > chars ? segment.slice(0, chars) : segment;
  return decoder.decode(Buffer.from(cut.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function decodeHex(segment: string, maxBytes: number): string {
  const hex = segment.replace(/\\x/g, '').slice(0, maxBytes * 2);
  return decoder.decode(Buffer.from(hex, 'hex'));
}

const ROT13_HINT = /rot-?13|caesar|rotate each letter/i;
const COMMON = /\b(?:the|and|you|your|to|of|is|all|are|ignore|instructions|previous|now|with|that|this|for)\b/g;

function rot13(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) out += String.fromCharCode(((c - 65 + 13) % 26) + 65);
    else if (c >= 97 && c <= 122) out += String.fromCharCode(((c - 97 + 13) % 26) + 97);
    else out += s[i];
  }
  return out;
}

interface Decoded {
  text: string;
  start: number;
  end: number;
  kind: string;
}

function collect(
  text: string,
  outer: [number, number] | null,
  depth: number,
  budget: { bytes: number; segments: number },
  out: Decoded[],
): void {
  const scan = (re: RegExp, kind: string, decode: (seg: string, max: number) => string) => {
    // matchAll clones the regex: the recursive call below must not disturb this scan's position.
    for (const m of text.matchAll(re)) {
      if (budget.segments <= 0 || budget.bytes <= 0) return;
      const seg = m[0];
      // Plain long words are not base64: demand a digit, '+', '/' or a case change inside.
      if (kind === 'base64' && !/[0-9+/]|[a-z][A-Z]/.test(seg)) continue;
      budget.segments--;
      const max = Math.min(ENCODED_LIMITS.maxSegmentBytes, budget.bytes);
      const decoded = decode(seg, max);
      budget.bytes -= Math.min(max, decoded.length);
      if (!looksLikeText(decoded)) {
        // A layer that is itself mostly an encoded run ("payload: SWdub3Jl…") is unwrapped, not reported.
        if (depth < ENCODED_LIMITS.maxDepth && printableRatio(decoded) >= 0.95) {
          collect(decoded, outer ?? [m.index, m.index + seg.length], depth + 1, budget, out);
        }
        continue;
      }
      // Nested payloads are reported at the span of the outer segment the client actually sent.
      const span: [number, number] = outer ?? [m.index, m.index + seg.length];
      out.push({ text: decoded, start: span[0], end: span[1], kind: depth > 1 ? `${kind}_nested` : kind });
      if (depth < ENCODED_LIMITS.maxDepth) collect(decoded, span, depth + 1, budget, out);
    }
  };
  scan(BASE64, 'base64', decodeBase64);
  scan(HEX, 'hex', decodeHex);
  scan(HEX_ESCAPES, 'hex', decodeHex);
}

export function decodePayloads(text: string): Decoded[] {
  const out: Decoded[] = [];
  collect(text, null, 1, { bytes: ENCODED_LIMITS.maxTotalBytes, segments: ENCODED_LIMITS.maxSegments }, out);
  const head = text.length > ENCODED_LIMITS.rot13Chars ? text.slice(0, ENCODED_LIMITS.rot13Chars) : text;
  const hinted = ROT13_HINT.test(head);
  const before = head.match(COMMON)?.length ?? 0;
  // Ordinary English already has its common words (about one in five); rotating it cannot help.
  if (!hinted && before * 30 > head.length) return out;
  const flipped = rot13(head);
  const after = flipped.match(COMMON)?.length ?? 0;
  // Try ROT13 when asked for by name, or when rotating turns gibberish into clearly more English.
  if ((hinted && after > 0) || (after >= 3 && after >= 3 * (before + 1))) {
    out.push({ text: flipped, start: 0, end: head.length, kind: 'rot13' });
  }
  return out;
}

export function detectEncoded(text: string, _ctx: DetectContext, model: InjectionModel = defaultModel()): Finding[] {
  const findings: Finding[] = [];
  for (const d of decodePayloads(text)) {
    const { score } = scoreText(model, d.text);
    if (score < 0.3) continue;
    findings.push({
      detector: 'injection.encoded_payload',
      category: 'injection',
      score: Math.round(score * 1000) / 1000,
      start: d.start,
      end: d.end,
      reason: d.kind,
    });
  }
  return findings;
}

export const encodedPayloadDetector: Detector = {
  name: 'injection.encoded_payload',
  category: 'injection',
  defaultAction: 'block',
  description: 'Base64, hex and ROT13 segments decoded within fixed bounds and rescanned by the injection classifier',
  detect: (text, ctx) => detectEncoded(text, ctx),
};
