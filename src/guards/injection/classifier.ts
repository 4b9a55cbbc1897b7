/**
 * Scoring with the trained model. Long texts are cut into overlapping windows (an instruction buried
 * in a long document would otherwise be diluted by the benign text around it) and the highest window
 * score wins.
 *
 * One pass: the text is normalised once, its features are hashed once with their positions
 * (features.ts hashText), and since the model is linear each window's score is read from prefix sums
 * of the weights: cost is linear in the text whatever the overlap. The sums match the training view of
 * a window (features.ts windowFeatures) term by term; a test holds the two together.
 */

import { CUES } from './cues.js';
import {
  CHAR_FLOOR,
  DENSE_INDEX,
  denseBuckets,
  densestSpan,
  hashText,
  isFamiliar,
  TextHashes,
  unfamiliarIndex,
  WORD_FLOOR,
} from './features.js';
import type { InjectionModel } from './model.js';
import { type NormalizeStats, normalizeWithMap, rawOffset } from './normalize.js';

export interface WindowScore {
  score: number;
  /** UTF-16 offsets of the best window in the raw text. */
  start: number;
  end: number;
  /** Normalisation counters of the whole text (for the obfuscation detector). */
  stats: NormalizeStats;
}

/** A window of the normalised text with its probability. */
export interface NormWindowScore {
  score: number;
  start: number;
  end: number;
}

// Reusable buffers: detection is synchronous, so no two calls can interleave.
const hashes = new TextHashes();
let p3 = new Float64Array(0);
let p4 = new Float64Array(0);
let p5 = new Float64Array(0);
let pw = new Float64Array(0);
let pm = new Int32Array(0);
let pa = new Int32Array(0);
let unseenFlags = new Uint8Array(0);

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Window boundaries over a text of `length` characters (the normalised text when scoring). With `text`,
 * never splits a surrogate pair.
 */
export function windowBounds(length: number, window: number, stride: number, text?: string): Array<[number, number]> {
  // A text up to a quarter-window longer than the window is scored whole: no near-duplicate window.
  if (length <= window + (window >> 2)) return [[0, length]];
  const out: Array<[number, number]> = [];
  for (let start = 0; ; start += stride) {
    let s = start;
    let e = Math.min(length, start + window);
    if (text !== undefined) {
      if (s > 0 && isLowSurrogate(text.charCodeAt(s))) s++;
      if (e < length && isLowSurrogate(text.charCodeAt(e))) e++;
    }
    out.push([s, e]);
    if (start + window >= length) break;
  }
  return out;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Scores every window of an already hashed text; returns the best. */
export function scoreHashed(model: InjectionModel, h: TextHashes): NormWindowScore {
  const w = model.weights;
  const n = h.n;
  if (p3.length < n + 1) {
    const cap = Math.max(1025, n + 1 + (n >> 1));
    p3 = new Float64Array(cap);
    p4 = new Float64Array(cap);
    p5 = new Float64Array(cap);
    pa = new Int32Array(cap);
    unseenFlags = new Uint8Array(cap);
  }
  const familiar = model.familiar;
  const char = h.char;
  let a3 = 0;
  let a4 = 0;
  let a5 = 0;
  p3[0] = 0;
  p4[0] = 0;
  p5[0] = 0;
  for (let i = 0; i < n; i++) {
    const s3 = char[3 * i]!;
    const s4 = char[3 * i + 1]!;
    const s5 = char[3 * i + 2]!;
    if (s3 >= 0) a3 += w[s3]!;
    if (s4 >= 0) a4 += w[s4]!;
    if (s5 >= 0) a5 += w[s5]!;
    p3[i + 1] = a3;
    p4[i + 1] = a4;
    p5[i + 1] = a5;
  }
  if (familiar !== undefined) {
    let ca = 0;
    pa[0] = 0;
    for (let i = 0; i < n; i++) {
      unseenFlags[i] = 0;
      if (h.asciiTri[i] === 1) {
        ca++;
        if (!isFamiliar(familiar, char[3 * i]!)) unseenFlags[i] = 1;
      }
      pa[i + 1] = ca;
    }
  }
  const nWords = h.nWords;
  if (pw.length < nWords + 1) pw = new Float64Array(Math.max(257, nWords + 1 + (nWords >> 1)));
  let aw = 0;
  pw[0] = 0;
  for (let j = 0; j < nWords; j++) {
    aw += w[h.wordIdx[j]!]!;
    const b = h.bigramIdx[j]!;
    if (b >= 0) aw += w[b]!;
    pw[j + 1] = aw;
  }
  const nTok = h.nTokens;
  if (pm.length < nTok + 1) pm = new Int32Array(Math.max(257, nTok + 1 + (nTok >> 1)));
  pm[0] = 0;
  for (let j = 0; j < nTok; j++) pm[j + 1] = pm[j]! + h.tokMixed[j]!;

  const { window, stride } = model.meta;
  const bias = w[DENSE_INDEX.bias]!;
  const cueW = DENSE_INDEX.cues;
  const cuePtr = new Int32Array(CUES.length);
  let wa = 0;
  let wb = 0;
  let ta = 0;
  let tb = 0;
  let best: NormWindowScore = { score: -1, start: 0, end: 0 };
  for (const [s, e] of windowBounds(n, window, stride)) {
    let z = bias;
    // Words entirely inside [s, e); bigrams whose two words are inside.
    while (wa < nWords && h.wordStart[wa]! < s) wa++;
    if (wb < wa) wb = wa;
    while (wb < nWords && h.wordEnd[wb]! <= e) wb++;
    if (wb > wa) {
      let sum = pw[wb]! - pw[wa]!;
      const first = h.bigramIdx[wa]!;
      if (first >= 0) sum -= w[first]!;
      const count = 2 * (wb - wa) - 1;
      z += sum * Math.fround(1 / Math.sqrt(Math.max(count, WORD_FLOOR)));
    }
    // Character n-grams starting in [s, e - k].
    let csum = 0;
    let ccount = 0;
    if (e - 3 >= s) {
      csum += p3[e - 2]! - p3[s]!;
      ccount += e - 2 - s;
    }
    if (e - 4 >= s) {
      csum += p4[e - 3]! - p4[s]!;
      ccount += e - 3 - s;
    }
    if (e - 5 >= s) {
      csum += p5[e - 4]! - p5[s]!;
      ccount += e - 4 - s;
    }
    if (ccount > 0) z += csum * Math.fround(1 / Math.sqrt(Math.max(ccount, CHAR_FLOOR)));
    // Cues with a match inside the window.
    let fired = 0;
    for (let k = 0; k < CUES.length; k++) {
      const m = h.cueMatches[k]!;
      let j = cuePtr[k]!;
      while (j < m.length && m[j]! < s) j += 2;
      cuePtr[k] = j;
      for (; j < m.length && m[j]! < e; j += 2) {
        if (m[j + 1]! <= e) {
          z += w[cueW[k]!]!;
          fired++;
          break;
        }
      }
    }
    while (ta < nTok && h.tokStart[ta]! < s) ta++;
    if (tb < ta) tb = ta;
    while (tb < nTok && h.tokEnd[tb]! <= e) tb++;
    const d = denseBuckets(h, s, e, fired, tb - ta, pm[tb]! - pm[ta]!);
    z += w[d.cueCount]! + w[d.symbol]! + w[d.mixed]! + w[d.length]!;
    if (familiar !== undefined && e - 3 >= s)
      z += w[unfamiliarIndex(pa[e - 2]! - pa[s]!, densestSpan(unseenFlags, s, e - 2))]!;
    else if (familiar !== undefined) z += w[unfamiliarIndex(0, 0)]!;
    const score = sigmoid(z);
    if (score > best.score) best = { score, start: s, end: e };
  }
  return best;
}

/** Max window score of a raw text, with the raw span of the window where it was found. */
export function scoreText(model: InjectionModel, text: string): WindowScore {
  const nz = normalizeWithMap(text);
  hashText(nz.text, hashes);
  const best = scoreHashed(model, hashes);
  if (nz.text.length === 0) return { score: best.score, start: 0, end: 0, stats: nz.stats };
  const start = rawOffset(nz, best.start, 'start');
  const end = rawOffset(nz, Math.max(best.start, best.end - 1), 'end');
  return { score: best.score, start, end, stats: nz.stats };
}
