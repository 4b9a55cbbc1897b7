/**
 * Training machinery for the injection classifier, shared by scripts/train-injection.ts and
 * eval/injection/run.ts (leave-one-source-out needs to retrain per fold).
 *
 * Logistic regression over the hashed features of src/guards/injection/features.ts, trained by
 * AdaGrad SGD with L2, class- and source-balanced, deterministic for a given seed.
 */

import { scoreText, windowBounds } from '../src/guards/injection/classifier.js';
import {
  FEATURE_BITS,
  FEATURE_DIM,
  FEATURE_VERSION,
  FeatureBuffer,
  hashText,
  TextHashes,
  windowFeatures,
} from '../src/guards/injection/features.js';
import type { InjectionModel, InjectionModelMeta } from '../src/guards/injection/model.js';
import { normalizeForClassification } from '../src/guards/injection/normalize.js';
import { type Example, rng } from './injection-data.js';

export const WINDOW = 512;
export const STRIDE = 384;

export interface Sample {
  idx: Int32Array;
  val: Float32Array;
  label: 0 | 1;
  source: string;
  weight: number;
}

const scratch = new Float32Array(FEATURE_DIM);
const buf = new FeatureBuffer(16384);
const hashes = new TextHashes();

/** The summed sparse vector of window [s, e) of the text last hashed into `hashes`. */
function sparse(s: number, e: number): { idx: Int32Array; val: Float32Array } {
  windowFeatures(hashes, s, e, buf);
  const touched: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const j = buf.idx[i]!;
    if (scratch[j] === 0) touched.push(j);
    scratch[j]! += buf.val[i]!;
  }
  const idx = new Int32Array(touched.length);
  const val = new Float32Array(touched.length);
  for (let k = 0; k < touched.length; k++) {
    idx[k] = touched[k]!;
    val[k] = scratch[touched[k]!]!;
    scratch[touched[k]!] = 0;
  }
  return { idx, val };
}

/**
 * The windows a text contributes to training. Inference takes the max over windows, so every window
 * of a benign text must score low; for attacks the first and a few other windows are kept (long
 * jailbreaks are attack text throughout, but not every window of them is).
 */
export function trainingWindows(norm: string, r: () => number, maxWindows: number): Array<[number, number]> {
  const bounds = windowBounds(norm.length, WINDOW, STRIDE);
  let chosen = bounds;
  if (bounds.length > maxWindows) {
    chosen = [bounds[0]!];
    const rest = bounds.slice(1);
    while (chosen.length < maxWindows && rest.length > 0)
      chosen.push(rest.splice(Math.floor(r() * rest.length), 1)[0]!);
  }
  return chosen;
}

export function buildSamples(examples: Example[], seed: number): Sample[] {
  const r = rng(seed);
  const perSource = new Map<string, number>();
  for (const e of examples) perSource.set(e.source, (perSource.get(e.source) ?? 0) + 1);
  const samples: Sample[] = [];
  for (const ex of examples) {
    const norm = normalizeForClassification(ex.text).text;
    hashText(norm, hashes);
    const windows = trainingWindows(norm, r, ex.label === 1 ? 3 : 6);
    // Large sources would drown small ones: weight ∝ 1/√(source size), split over the text's windows.
    const w = 1 / Math.sqrt(perSource.get(ex.source)!) / Math.sqrt(windows.length);
    for (const [s, e] of windows) {
      const { idx, val } = sparse(s, e);
      samples.push({ idx, val, label: ex.label, source: ex.source, weight: w });
    }
  }
  return samples;
}

export interface TrainOptions {
  seed: number;
  epochs: number;
  learningRate: number;
  l2: number;
}

export const DEFAULT_TRAIN: TrainOptions = { seed: 13, epochs: 6, learningRate: 0.2, l2: 1e-6 };

export function train(samples: Sample[], opts: TrainOptions = DEFAULT_TRAIN): Float32Array {
  const w = new Float32Array(FEATURE_DIM);
  const g2 = new Float32Array(FEATURE_DIM).fill(1e-3);
  let pos = 0;
  let neg = 0;
  for (const s of samples) {
    if (s.label === 1) pos += s.weight;
    else neg += s.weight;
  }
  const classW = [0.5 / neg, 0.5 / pos];
  const norm = samples.length;
  const order = Array.from(samples.keys());
  const r = rng(opts.seed);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const s = samples[k]!;
      let z = 0;
      for (let i = 0; i < s.idx.length; i++) z += w[s.idx[i]!]! * s.val[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - s.label) * s.weight * classW[s.label]! * norm;
      for (let i = 0; i < s.idx.length; i++) {
        const j = s.idx[i]!;
        const gi = g * s.val[i]! + opts.l2 * w[j]!;
        g2[j]! += gi * gi;
        w[j]! -= (opts.learningRate * gi) / Math.sqrt(g2[j]!);
      }
    }
  }
  return w;
}

export function makeModel(
  weights: Float32Array,
  thresholds = { direct: 0.5, indirect: 0.5 },
  extra: Record<string, unknown> = {},
): InjectionModel {
  const meta: InjectionModelMeta = {
    format: 'portcullis-injection-linear',
    featureVersion: FEATURE_VERSION,
    featureBits: FEATURE_BITS,
    window: WINDOW,
    stride: STRIDE,
    thresholds,
    ...extra,
  };
  return { meta, weights };
}

export function scoreAll(model: InjectionModel, examples: Example[]): number[] {
  return examples.map((e) => scoreText(model, e.text).score);
}

export interface Metrics {
  n: number;
  positives: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  fpr: number;
}

export function metrics(labels: Array<0 | 1>, scores: number[], threshold: number): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const hit = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (hit) tp++;
      else fn++;
    } else if (hit) fp++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    n: labels.length,
    positives: tp + fn,
    tp,
    fp,
    fn,
    tn,
    precision,
    recall,
    f1,
    fpr: fp + tn === 0 ? 0 : fp / (fp + tn),
  };
}

/**
 * Threshold maximising F1 among those keeping the false-positive rate at or under `maxFpr`, measured
 * on `fprMask` (the benign texts the budget is about) when given, else on all benign texts.
 */
export function chooseThreshold(labels: Array<0 | 1>, scores: number[], maxFpr: number, fprMask?: boolean[]): number {
  let best = 0.5;
  let bestF1 = -1;
  const maskLabels = fprMask ? labels.filter((_, i) => fprMask[i]) : labels;
  const maskScores = fprMask ? scores.filter((_, i) => fprMask[i]) : scores;
  for (let t = 0.05; t <= 0.99; t += 0.01) {
    const m = metrics(labels, scores, t);
    const fpr = metrics(maskLabels, maskScores, t).fpr;
    if (fpr <= maxFpr && m.f1 > bestF1) {
      bestF1 = m.f1;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}
