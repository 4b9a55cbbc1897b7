/**
 * Scoring with the trained model. Long texts are cut into overlapping windows (an instruction buried
 * in a long document would otherwise be diluted by the benign text around it) and the highest window
 * score wins. Windows per KB are fixed by the model's window/stride, so cost is linear in length.
 */

import { extractFeatures, FeatureBuffer } from './features.js';
import type { InjectionModel } from './model.js';
import { type NormalizeStats, normalizeForClassification } from './normalize.js';

export interface WindowScore {
  score: number;
  /** UTF-16 offsets of the best window in the raw text. */
  start: number;
  end: number;
  /** Normalisation counters summed over all windows (for the obfuscation detector). */
  stats: NormalizeStats;
}

// One buffer per process: detection is synchronous, so no two calls can interleave.
const buffer = new FeatureBuffer(16384);

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Probability that one already-normalised window is an injection. */
export function scoreNormalized(model: InjectionModel, norm: string): number {
  extractFeatures(norm, buffer);
  const w = model.weights;
  let z = 0;
  for (let i = 0; i < buffer.length; i++) z += w[buffer.idx[i]!]! * buffer.val[i]!;
  return sigmoid(z);
}

/** Window boundaries over the raw text; never splits a surrogate pair. */
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

/** Max window score of a raw text, with the window where it was found. */
export function scoreText(model: InjectionModel, text: string): WindowScore {
  const { window, stride } = model.meta;
  let best: WindowScore | undefined;
  const total = {
    invisible: 0,
    bidi: 0,
    tags: 0,
    variationSelectors: 0,
    homoglyphWords: 0,
    leetWords: 0,
    spacedRuns: 0,
  };
  for (const [s, e] of windowBounds(text.length, window, stride, text)) {
    const { text: norm, stats } = normalizeForClassification(text.slice(s, e));
    for (const k of Object.keys(total) as Array<keyof NormalizeStats>) total[k] += stats[k];
    const score = scoreNormalized(model, norm);
    if (best === undefined || score > best.score) best = { score, start: s, end: e, stats: total };
  }
  return best ?? { score: 0, start: 0, end: 0, stats: total };
}
