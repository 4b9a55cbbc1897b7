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

export const FEATURE_VERSION = 7;
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

/** The cue patterns with the global flag, for one scan of a whole text. */
const GLOBAL_CUES = CUES.map((c) => new RegExp(c.pattern.source, `${c.pattern.flags.replace('g', '')}g`));

/**
 * The hashed features of a whole normalised text, with positions, computed in one pass. A window's
 * features are then the subset that lies inside it (see windowFeatures), so overlapping windows cost
 * no re-hashing and a linear model's window scores come from prefix sums (classifier.ts).
 *
 * - char n-grams: for start i and length k∈{3,4,5}, char[3i+k-3] is the slot or -1 past the end; a
 *   window [s,e) holds those with s ≤ i and i+k ≤ e;
 * - words [wordStart, wordEnd): a window holds those entirely inside it, and a word's bigram (with the
 *   word before it) when that word is inside too;
 * - symbol and visible-character counts as prefix sums; whitespace tokens [tokStart, tokEnd) with a
 *   mixed (letters and symbols) flag, held by a window when entirely inside;
 * - cue matches [start, end) from one global scan; a cue fires in a window holding one of its matches;
 * - the densest run of unfamiliar ASCII 3-grams (those starting inside the window and ending by its end).
 */
export class TextHashes {
  norm = '';
  n = 0;
  char = new Int32Array(0);
  nWords = 0;
  wordStart = new Int32Array(0);
  wordEnd = new Int32Array(0);
  wordIdx = new Int32Array(0);
  bigramIdx = new Int32Array(0);
  symbols = new Int32Array(0);
  visible = new Int32Array(0);
  nTokens = 0;
  tokStart = new Int32Array(0);
  tokEnd = new Int32Array(0);
  tokMixed = new Uint8Array(0);
  /** 1 where the 3-gram starting here is ASCII without digits (the familiarity measure's domain). */
  asciiTri = new Uint8Array(0);
  /** Per cue: flat [start, end, start, end, …] of its matches. */
  cueMatches: number[][] = CUES.map(() => []);

  ensure(n: number): void {
    if (this.char.length >= 3 * n && this.symbols.length >= n + 1) return;
    const cap = Math.max(1024, n + (n >> 1));
    this.char = new Int32Array(3 * cap);
    this.wordStart = new Int32Array(cap);
    this.wordEnd = new Int32Array(cap);
    this.wordIdx = new Int32Array(cap);
    this.bigramIdx = new Int32Array(cap);
    this.symbols = new Int32Array(cap + 1);
    this.visible = new Int32Array(cap + 1);
    this.tokStart = new Int32Array(cap);
    this.tokEnd = new Int32Array(cap);
    this.tokMixed = new Uint8Array(cap);
    this.asciiTri = new Uint8Array(cap);
  }
}

/** Fills `h` with the positional features of a normalised text. */
export function hashText(norm: string, h: TextHashes): void {
  const n = norm.length;
  h.ensure(n);
  h.norm = norm;
  h.n = n;
  const char = h.char;
  const seed = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
  // Interior positions: all three lengths fit; the last four positions take the careful loop.
  const full = n - 4;
  for (let i = 0; i < full; i++) {
    let g = Math.imul(seed ^ norm.charCodeAt(i), FNV_PRIME);
    g = Math.imul(g ^ norm.charCodeAt(i + 1), FNV_PRIME);
    g = Math.imul(g ^ norm.charCodeAt(i + 2), FNV_PRIME);
    char[3 * i] = ((g >>> 0) ^ 2) & MASK;
    g = Math.imul(g ^ norm.charCodeAt(i + 3), FNV_PRIME);
    char[3 * i + 1] = ((g >>> 0) ^ 3) & MASK;
    g = Math.imul(g ^ norm.charCodeAt(i + 4), FNV_PRIME);
    char[3 * i + 2] = ((g >>> 0) ^ 4) & MASK;
  }
  for (let i = Math.max(0, full); i < n; i++) {
    let g = seed;
    for (let k = 0; k < 5; k++) {
      if (i + k >= n) {
        if (k >= 2) char[3 * i + k - 2] = -1;
        continue;
      }
      g ^= norm.charCodeAt(i + k);
      g = Math.imul(g, FNV_PRIME);
      if (k >= 2) char[3 * i + k - 2] = ((g >>> 0) ^ k) & MASK;
    }
  }

  const asciiTri = h.asciiTri;
  let run = 0;
  for (let i = n - 1; i >= 0; i--) {
    // ASCII without digits: numbers, dates and identifiers are not gibberish however rare.
    const c = norm.charCodeAt(i);
    run = c < 0x80 && (c < 0x30 || c > 0x39) ? run + 1 : 0;
    asciiTri[i] = run >= 3 ? 1 : 0;
  }

  let nWords = 0;
  let nTokens = 0;
  let prev = -1;
  let hw = 0;
  let inWord = false;
  let wStart = 0;
  let tStart = -1;
  let tokHasSymbol = false;
  let tokHasLetter = false;
  let symbols = 0;
  let visible = 0;
  h.symbols[0] = 0;
  h.visible[0] = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? norm.charCodeAt(i) : 0x20;
    const space = c === 0x20 || c === 0x0a || c === 0x09;
    if (i < n && !space) {
      visible++;
      if (tStart < 0) tStart = i;
    }
    if (i < n && isWordCode(c)) {
      if (!inWord) {
        hw = (FNV_OFFSET ^ SEED_WORD) >>> 0;
        inWord = true;
        wStart = i;
      }
      hw ^= c;
      hw = Math.imul(hw, FNV_PRIME);
      tokHasLetter = true;
    } else {
      if (inWord) {
        const w = hw >>> 0;
        h.wordStart[nWords] = wStart;
        h.wordEnd[nWords] = i;
        h.wordIdx[nWords] = w & MASK;
        h.bigramIdx[nWords] = prev >= 0 ? (Math.imul(prev ^ SEED_BIGRAM, 0x5bd1e995) ^ w) & MASK : -1;
        nWords++;
        prev = w;
        inWord = false;
      }
      if (!space && i < n) {
        symbols++;
        tokHasSymbol = true;
      }
      if (space && tStart >= 0) {
        h.tokStart[nTokens] = tStart;
        h.tokEnd[nTokens] = i;
        h.tokMixed[nTokens] = tokHasLetter && tokHasSymbol ? 1 : 0;
        nTokens++;
        tStart = -1;
        tokHasLetter = false;
        tokHasSymbol = false;
      }
    }
    if (i < n) {
      h.symbols[i + 1] = symbols;
      h.visible[i + 1] = visible;
    }
  }
  h.nWords = nWords;
  h.nTokens = nTokens;

  for (let k = 0; k < GLOBAL_CUES.length; k++) {
    const re = GLOBAL_CUES[k]!;
    const m = h.cueMatches[k]!;
    m.length = 0;
    re.lastIndex = 0;
    for (let r = re.exec(norm); r !== null; r = re.exec(norm)) {
      m.push(r.index, r.index + r[0].length);
      if (r[0].length === 0) re.lastIndex++;
    }
  }
}

/** Whether a cue has a match inside [s, e). */
export function cueInWindow(matches: number[], s: number, e: number): boolean {
  for (let j = 0; j < matches.length; j += 2) {
    const ms = matches[j]!;
    if (ms >= e) return false;
    if (ms >= s && matches[j + 1]! <= e) return true;
  }
  return false;
}

/** Indices of the dense window features (cue count, symbol, mixed-token and length buckets). */
export function denseBuckets(h: TextHashes, s: number, e: number, fired: number, tokens: number, mixed: number) {
  const sym = h.symbols[e]! - h.symbols[s]!;
  const vis = h.visible[e]! - h.visible[s]!;
  return {
    cueCount: CUE_COUNT_INDEX[Math.min(fired, 4)]!,
    symbol: SYMBOL_INDEX[bucket(vis === 0 ? 0 : sym / vis, SYMBOL_EDGES)]!,
    mixed: MIXED_INDEX[bucket(tokens === 0 ? 0 : mixed / tokens, MIXED_EDGES)]!,
    length: LENGTH_INDEX[Math.min(11, Math.floor(Math.log2(e - s + 1)))]!,
  };
}

/**
 * Familiarity (a GCG-style gibberish measure, language-independent): how densely a window's ASCII
 * character 3-grams are ones never seen (fewer than two times) in benign text, in its densest span. `familiar` is a
 * bitset over the 3-gram slots, built by training and shipped as familiar.bin. Adversarial suffixes
 * ("describing.\\ + similarlyNow write oppositeley.]( Me giving**ONE") are dense in unseen 3-grams;
 * non-ASCII text is left out, so no language is penalised for being absent from the benign text.
 */
const SPAN = 32;
export const DENSEST_EDGES = [10, 14, 18, 22, 26];
const UNFAMILIAR_INDEX = Array.from({ length: DENSEST_EDGES.length + 2 }, (_, n) => namedIndex(`unfamiliar:${n}`));

/** Feature slot for a window with `ascii` ASCII 3-grams whose densest span holds `densest` unfamiliar ones. */
export function unfamiliarIndex(ascii: number, densest: number): number {
  if (ascii < 24) return UNFAMILIAR_INDEX[0]!;
  return UNFAMILIAR_INDEX[1 + bucket(densest, DENSEST_EDGES)]!;
}

/**
 * Most unfamiliar 3-grams among SPAN consecutive starts in [from, to) (flags[i] = 1 when unfamiliar):
 * a suffix of gibberish is dense, while code or rare words spread a few unseen 3-grams thinly.
 */
export function densestSpan(flags: Uint8Array, from: number, to: number): number {
  let count = 0;
  let best = 0;
  for (let i = from; i < to; i++) {
    count += flags[i]!;
    if (i - SPAN >= from) count -= flags[i - SPAN]!;
    if (count > best) best = count;
  }
  return best;
}

export function isFamiliar(familiar: Uint8Array, slot: number): boolean {
  return (familiar[slot >>> 3]! & (1 << (slot & 7))) !== 0;
}

/** Fills `out` with the features of window [s, e) of a hashed text (the training view of a window). */
export function windowFeatures(
  h: TextHashes,
  s: number,
  e: number,
  out: FeatureBuffer,
  familiar: Uint8Array | undefined,
): void {
  out.reset();
  out.push(BIAS_INDEX, 1);
  const wordFrom = out.length;
  for (let j = 0; j < h.nWords; j++) {
    if (h.wordStart[j]! < s) continue;
    if (h.wordEnd[j]! > e) break;
    out.push(h.wordIdx[j]!, 1);
    if (j > 0 && h.wordStart[j - 1]! >= s && h.bigramIdx[j]! >= 0) out.push(h.bigramIdx[j]!, 1);
  }
  scaleRange(out, wordFrom, WORD_FLOOR);
  const charFrom = out.length;
  for (let i = s; i < e; i++) {
    for (let k = 3; k <= 5; k++) {
      if (i + k > e) break;
      const slot = h.char[3 * i + k - 3]!;
      if (slot >= 0) out.push(slot, 1);
    }
  }
  scaleRange(out, charFrom, CHAR_FLOOR);
  let fired = 0;
  for (let k = 0; k < CUES.length; k++) {
    if (cueInWindow(h.cueMatches[k]!, s, e)) {
      out.push(CUE_INDEX[k]!, 1);
      fired++;
    }
  }
  let tokens = 0;
  let mixed = 0;
  for (let j = 0; j < h.nTokens; j++) {
    if (h.tokStart[j]! < s) continue;
    if (h.tokEnd[j]! > e) break;
    tokens++;
    mixed += h.tokMixed[j]!;
  }
  const d = denseBuckets(h, s, e, fired, tokens, mixed);
  out.push(d.cueCount, 1);
  out.push(d.symbol, 1);
  out.push(d.mixed, 1);
  out.push(d.length, 1);
  if (familiar !== undefined) {
    const len = Math.max(0, e - s - 2);
    const flags = new Uint8Array(len);
    let ascii = 0;
    for (let i = 0; i < len; i++) {
      if (h.asciiTri[s + i] === 0) continue;
      ascii++;
      if (!isFamiliar(familiar, h.char[3 * (s + i)]!)) flags[i] = 1;
    }
    out.push(unfamiliarIndex(ascii, densestSpan(flags, 0, len)), 1);
  }
}

/**
 * The 3-gram slot at each start of window [s, e), -1 where the 3-gram is not ASCII (training rebuilds
 * the familiarity feature per fold from these).
 */
export function asciiTrigramSlots(h: TextHashes, s: number, e: number): Int32Array {
  const len = Math.max(0, e - s - 2);
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) out[i] = h.asciiTri[s + i] === 1 ? h.char[3 * (s + i)]! : -1;
  return out;
}

const scratchHashes = new TextHashes();

/** Fills `out` with the features of one whole normalised text (one window). */
export function extractFeatures(norm: string, out: FeatureBuffer, familiar?: Uint8Array): void {
  hashText(norm, scratchHashes);
  windowFeatures(scratchHashes, 0, norm.length, out, familiar);
}

// Counts under which n-grams are no longer scaled up: a short text's few n-grams carry little evidence,
// so its score rests on the cues (the override itself), not on which words happen to be there.
export const WORD_FLOOR = 12;
export const CHAR_FLOOR = 60;

export const DENSE_INDEX = { bias: BIAS_INDEX, cues: CUE_INDEX };

function scaleRange(out: FeatureBuffer, start: number, floor: number): void {
  const count = out.length - start;
  if (count === 0) return;
  const s = 1 / Math.sqrt(Math.max(count, floor));
  for (let i = start; i < out.length; i++) out.val[i] = out.val[i]! * s;
}
