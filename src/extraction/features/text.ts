/**
 * Text abstraction for features. Everything here turns prompt text into numbers (hashes, counts)
 * so the profile never holds prompt text. Work per request is bounded: at most MAX_CHARS of each
 * text are read, with plain loops (no regular expressions, so nothing can backtrack).
 */
import { FIXED_HASH_KEY, fnv1a, type HashKey, keyedFinish, mix32 } from '../hash.js';

/**
 * Texts longer than HEAD_CHARS + TAIL_CHARS are read at both ends only: a template's fixed parts sit
 * at its start and end, and the middle (a long pasted document) would only cost time.
 */
export const HEAD_CHARS = 2000;
export const TAIL_CHARS = 1000;
/** Tokens of a skeleton that enter the MinHash, from each end. */
const MINHASH_HEAD = 160;
const MINHASH_TAIL = 64;
/** Skeleton tokens hashed for the prefix and suffix template fingerprints. */
export const EDGE_TOKENS = 8;
/** MinHash permutations: 32 gives Jaccard estimates with ~0.09 standard error, enough for near-duplicates. */
export const MINHASH_K = 32;
const SHINGLE = 3;

const SEEDS: Uint32Array = (() => {
  const s = new Uint32Array(MINHASH_K);
  for (let i = 0; i < MINHASH_K; i++) s[i] = mix32(0x5bd1e995 + i * 0x9e3779b9);
  return s;
})();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isUpper(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}
/** Letters of any script (above Latin-1 everything non-space counts as a letter; cheap and good enough). */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c >= 0xc0;
}
function isQuote(c: number): boolean {
  return c === 34 || c === 96 || c === 0x201c || c === 0x201d;
}
function endsSentence(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 10 || c === 58;
}

export interface Tokens {
  /** Lower-cased words, numbers as `#`: for markers and categories. */
  words: string[];
  /** The template skeleton: words, with names as `N`, numbers as `#` and each quoted span as one `Q`. */
  skeleton: string[];
}

/**
 * One pass over a text giving its words and its skeleton. In the skeleton, numbers become `#`,
 * capitalised words inside a sentence (names) become `N`, quoted spans become one `Q`, other words
 * are lower-cased. Two requests built from one template with different slot values share their
 * skeleton's fixed parts.
 */
export function tokenize(input: string): Tokens {
  const text =
    input.length > HEAD_CHARS + TAIL_CHARS
      ? `${input.slice(0, HEAD_CHARS)}\n${input.slice(input.length - TAIL_CHARS)}`
      : input;
  const words: string[] = [];
  const skeleton: string[] = [];
  const len = text.length;
  let i = 0;
  let sentenceStart = true;
  let inQuote = false;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (isQuote(c)) {
      inQuote = !inQuote;
      if (inQuote) skeleton.push('Q');
      i++;
      continue;
    }
    if (!isWordChar(c)) {
      if (endsSentence(c)) sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    let digits = false;
    while (i < len && isWordChar(text.charCodeAt(i))) {
      if (isDigit(text.charCodeAt(i))) digits = true;
      i++;
    }
    const w = digits ? '#' : text.slice(start, i).toLowerCase();
    words.push(w);
    if (!inQuote) skeleton.push(!digits && !sentenceStart && isUpper(c) ? 'N' : w);
    sentenceStart = false;
  }
  return { words, skeleton };
}

export function skeletonTokens(text: string): string[] {
  return tokenize(text).skeleton;
}

/** Keyed hash of tokens[from, to) (template edges): see HashKey. */
export function hashTokens(tokens: readonly string[], from: number, to: number, key: HashKey = FIXED_HASH_KEY): number {
  let h = key.seed;
  for (let i = Math.max(0, from); i < Math.min(to, tokens.length); i++) {
    h = fnv1a(tokens[i]!, h);
    h = Math.imul(h ^ 0x20, 0x01000193) >>> 0;
  }
  return keyedFinish(h, key);
}

/** MinHash signature of the skeleton's word 3-shingles. */
export function minhash(all: readonly string[]): Uint32Array {
  const tokens =
    all.length > MINHASH_HEAD + MINHASH_TAIL
      ? [...all.slice(0, MINHASH_HEAD), ...all.slice(all.length - MINHASH_TAIL)]
      : all;
  const sig = new Uint32Array(MINHASH_K).fill(0xffffffff);
  const th = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) th[i] = fnv1a(tokens[i]!);
  const shingles = Math.max(1, tokens.length - SHINGLE + 1);
  for (let i = 0; i < shingles; i++) {
    let h = 0;
    for (let j = i; j < Math.min(i + SHINGLE, tokens.length); j++) h = mix32((h ^ th[j]!) + j - i);
    for (let k = 0; k < MINHASH_K; k++) {
      const v = mix32(h ^ SEEDS[k]!);
      if (v < sig[k]!) sig[k] = v;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of two MinHash signatures. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let k = 0; k < MINHASH_K; k++) if (a[k] === b[k]) same++;
  return same / MINHASH_K;
}

export type Script = 'latin' | 'cyrillic' | 'cjk' | 'arabic' | 'other' | 'none';
export const SCRIPTS: readonly Script[] = ['latin', 'cyrillic', 'cjk', 'arabic', 'other', 'none'];

/** The dominant writing system of a text: a language signal that costs one pass over at most 600 chars. */
export function dominantScript(text: string): Script {
  let latin = 0;
  let cyr = 0;
  let cjk = 0;
  let arabic = 0;
  let other = 0;
  const len = Math.min(text.length, 600);
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c < 0x250)) latin++;
    else if (c >= 0x400 && c < 0x530) cyr++;
    else if ((c >= 0x3040 && c < 0xa000) || (c >= 0xac00 && c < 0xd7a4)) cjk++;
    else if (c >= 0x600 && c < 0x700) arabic++;
    else if (c > 0x2000 && c !== 0x201c && c !== 0x201d && c !== 0x2019) other++;
  }
  const max = Math.max(latin, cyr, cjk, arabic, other);
  if (max === 0) return 'none';
  if (max === latin) return 'latin';
  if (max === cyr) return 'cyrillic';
  if (max === cjk) return 'cjk';
  if (max === arabic) return 'arabic';
  return 'other';
}
