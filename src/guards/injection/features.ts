/**
 * Feature hashing for the injection classifier. Training (scripts/train-injection.ts) and inference
 * share this file, so a model is only valid with the FEATURE_VERSION it was trained with.
 *
 * Features of one normalised window:
 * - word unigrams and bigrams (scaled by 1/√max(count, floor) so long windows do not dominate, and a
 *   two-word text does not put its whole weight on two n-grams: without the floor "respond please"
 *   scored 0.81 because "respond" is common in attacks),
 * - character 3-, 4- and 5-grams (language-independent; cover CJK and obfuscated spellings),
 * - hand-made cues (cues.ts) at full weight, their count, and a GCG-style gibberish measure.
 *
 * Everything is hashed (FNV-1a, 32-bit) into 2^FEATURE_BITS slots: no vocabulary, no per-call
 * allocation beyond the caller's reusable FeatureBuffer.
 */

import { CUES } from './cues.js';

export const FEATURE_VERSION = 5;
export const FEATURE_BITS = 18;
export const FEATURE_DIM = 1 << FEATURE_BITS;
const MASK = FEATURE_DIM - 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const SEED_CUE = 0x27d4eb2f;

/** A reusable sparse vector: (index, value) pairs, possibly with repeated indices (they add up). */
export class FeatureBuffer {
  idx: Int32Array;
  val: Float32Array;
  length = 0;
  constructor(capacity = 8192) {
    this.idx = new Int32Array(capacity);
    this.val = new Float32Array(capacity);
  }
  reset(): void {
    this.length = 0;
  }
  push(index: number, value: number): void {
    if (this.length === this.idx.length) this.grow();
    this.idx[this.length] = index;
    this.val[this.length] = value;
    this.length++;
  }
  private grow(): void {
    const idx = new Int32Array(this.idx.length * 2);
    const val = new Float32Array(this.val.length * 2);
    idx.set(this.idx);
    val.set(this.val);
    this.idx = idx;
    this.val = val;
  }
}

function fnvString(seed: number, s: string): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Word characters: ASCII letters/digits and non-ASCII outside punctuation, symbol and surrogate blocks. */
function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c < 0xc0) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff65) return false;
  return true;
}

/** Index of a named dense feature (cues, buckets); hashed like the rest so the model is one array. */
export function namedIndex(name: string): number {
  return fnvString(SEED_CUE, name) & MASK;
}

const CUE_INDEX = CUES.map((c) => namedIndex(`cue:${c.name}`));
const CUE_COUNT_INDEX = [0, 1, 2, 3, 4].map((n) => namedIndex(`cuecount:${n}`));
const SYMBOL_INDEX = [0, 1, 2, 3, 4].map((n) => namedIndex(`symbols:${n}`));
const MIXED_INDEX = [0, 1, 2, 3, 4].map((n) => namedIndex(`mixedtokens:${n}`));
const LENGTH_INDEX = Array.from({ length: 12 }, (_, n) => namedIndex(`len:${n}`));
const BIAS_INDEX = namedIndex('bias');

function bucket(ratio: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && ratio >= edges[b]!) b++;
  return b;
}

const SYMBOL_EDGES = [0.05, 0.1, 0.18, 0.3];
const MIXED_EDGES = [0.03, 0.08, 0.15, 0.3];

/** Names of the cues that fire on a normalised text (for explanations and tests). */
export function firedCues(norm: string): string[] {
  const out: string[] = [];
  for (const c of CUES) if (c.pattern.test(norm)) out.push(c.name);
  return out;
}

/** Fills `out` with the features of one normalised window. */
export function extractFeatures(norm: string, out: FeatureBuffer): void {
  out.reset();
  out.push(BIAS_INDEX, 1);
  const n = norm.length;

  // Words and bigrams, hashed incrementally without building substrings.
  const wordStart = out.length;
  let prev = -1;
  let h = 0;
  let inWord = false;
  let tokens = 0;
  let mixedTokens = 0;
  let tokHasSymbol = false;
  let tokHasLetter = false;
  let symbols = 0;
  let visible = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? norm.charCodeAt(i) : 0x20;
    const space = c === 0x20 || c === 0x0a || c === 0x09;
    if (!space) visible++;
    if (i < n && isWordCode(c)) {
      if (!inWord) {
        h = (FNV_OFFSET ^ SEED_WORD) >>> 0;
        inWord = true;
      }
      h ^= c;
      h = Math.imul(h, FNV_PRIME);
      tokHasLetter = true;
    } else {
      if (inWord) {
        const w = h >>> 0;
        out.push(w & MASK, 1);
        if (prev >= 0) out.push((Math.imul(prev ^ SEED_BIGRAM, 0x5bd1e995) ^ w) & MASK, 1);
        prev = w;
        inWord = false;
      }
      if (!space && i < n) {
        symbols++;
        tokHasSymbol = true;
      }
      if (space) {
        if (tokHasLetter || tokHasSymbol) tokens++;
        if (tokHasLetter && tokHasSymbol) mixedTokens++;
        tokHasLetter = false;
        tokHasSymbol = false;
      }
    }
  }
  scaleRange(out, wordStart, WORD_FLOOR);

  // Character n-grams, 3 to 5, over the whole normalised window including spaces.
  const charStart = out.length;
  for (let i = 0; i + 3 <= n; i++) {
    let g = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
    for (let k = 0; k < 5 && i + k < n; k++) {
      g ^= norm.charCodeAt(i + k);
      g = Math.imul(g, FNV_PRIME);
      if (k >= 2) out.push(((g >>> 0) ^ k) & MASK, 1);
    }
  }
  scaleRange(out, charStart, CHAR_FLOOR);

  let fired = 0;
  for (let k = 0; k < CUES.length; k++) {
    if (CUES[k]!.pattern.test(norm)) {
      out.push(CUE_INDEX[k]!, 1);
      fired++;
    }
  }
  out.push(CUE_COUNT_INDEX[Math.min(fired, 4)]!, 1);
  out.push(SYMBOL_INDEX[bucket(visible === 0 ? 0 : symbols / visible, SYMBOL_EDGES)]!, 1);
  out.push(MIXED_INDEX[bucket(tokens === 0 ? 0 : mixedTokens / tokens, MIXED_EDGES)]!, 1);
  out.push(LENGTH_INDEX[Math.min(11, Math.floor(Math.log2(n + 1)))]!, 1);
}

// Counts under which n-grams are no longer scaled up: a short text's few n-grams carry little evidence,
// so its score rests on the cues (the override itself), not on which words happen to be there.
const WORD_FLOOR = 12;
const CHAR_FLOOR = 60;

function scaleRange(out: FeatureBuffer, start: number, floor: number): void {
  const count = out.length - start;
  if (count === 0) return;
  const s = 1 / Math.sqrt(Math.max(count, floor));
  for (let i = start; i < out.length; i++) out.val[i] = out.val[i]! * s;
}
