/**
 * Training machinery for the injection classifier, shared by scripts/train-injection.ts and
 * eval/injection/run.ts (leave-one-source-out needs to retrain per fold).
 *
 * Logistic regression over the hashed features of src/guards/injection/features.ts, trained by
 * AdaGrad SGD with L2, class- and source-balanced, deterministic for a given seed.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scoreText, windowBounds } from '../src/guards/injection/classifier.js';
import {
  asciiTrigramSlots,
  densestSpan,
  FEATURE_BITS,
  FEATURE_DIM,
  FEATURE_VERSION,
  FeatureBuffer,
  hashText,
  isFamiliar,
  TextHashes,
  unfamiliarIndex,
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
  /** ASCII 3-gram slots of the window: the familiarity feature is rebuilt per fold from them. */
  tri: Int32Array;
}

export interface Trained {
  weights: Float32Array;
  familiar: Uint8Array;
}

const scratch = new Float32Array(FEATURE_DIM);
const buf = new FeatureBuffer(16384);
const hashes = new TextHashes();

/** The summed sparse vector of window [s, e) of the text last hashed into `hashes`. */
function sparse(s: number, e: number): { idx: Int32Array; val: Float32Array } {
  windowFeatures(hashes, s, e, buf, undefined);
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
      samples.push({ idx, val, label: ex.label, source: ex.source, weight: w, tri: asciiTrigramSlots(hashes, s, e) });
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

/**
 * Benign text outside the classifier's sources, read only for 3-gram familiarity so that ordinary
 * prose, Markdown and code are not "gibberish" merely because the benign training prompts are short
 * chat requests: the README.md files of the installed npm packages (prose with code samples; sorted,
 * so the set follows package-lock.json), TypeScript's lib.es5.d.ts (code and doc comments), and the
 * presidio-research synthetic sentences (../shared/data/pii). Never an evaluation set.
 */
export function familiarityCorpus(): string[] {
  const root = join(import.meta.dirname, '..');
  const texts: string[] = [];
  const readmes: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 3) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (name === 'README.md') readmes.push(path);
      else if (!name.includes('.') || name.startsWith('@')) {
        try {
          if (statSync(path).isDirectory()) walk(path, depth + 1);
        } catch {
          // broken link
        }
      }
    }
  };
  walk(join(root, 'node_modules'), 0);
  for (const path of readmes) texts.push(readFileSync(path, 'utf8'));
  const es5 = join(root, 'node_modules/typescript/lib/lib.es5.d.ts');
  if (existsSync(es5)) texts.push(readFileSync(es5, 'utf8'));
  const pii = join(root, '../shared/data/pii/presidio-synth-v2.dev.json');
  if (existsSync(pii)) {
    const rows = JSON.parse(readFileSync(pii, 'utf8')) as Array<{ full_text?: string }>;
    texts.push(rows.map((r) => r.full_text ?? '').join('\n'));
  }
  return texts;
}

let corpusCache: Uint8Array | undefined;

/** 3-gram slot counts (capped at 2) over the familiarity corpus. */
function corpusCounts(): Uint8Array {
  if (corpusCache !== undefined) return corpusCache;
  const counts = new Uint8Array(FEATURE_DIM);
  const h = new TextHashes();
  for (const text of familiarityCorpus()) {
    for (let at = 0; at < text.length; at += 65536) {
      const norm = normalizeForClassification(text.slice(at, at + 65536)).text;
      hashText(norm, h);
      for (const j of asciiTrigramSlots(h, 0, norm.length)) if (j >= 0 && counts[j]! < 2) counts[j]!++;
    }
  }
  corpusCache = counts;
  return counts;
}

/**
 * The familiarity bitset: 3-gram slots seen at least twice in the benign windows of these samples
 * (only the training sources of a fold, so a held-out source is as unfamiliar as new data).
 */
export function buildFamiliar(samples: Sample[]): Uint8Array {
  const counts = Uint8Array.from(corpusCounts());
  for (const s of samples) {
    if (s.label !== 0) continue;
    for (let i = 0; i < s.tri.length; i++) {
      const j = s.tri[i]!;
      if (j >= 0 && counts[j]! < 2) counts[j]!++;
    }
  }
  const bits = new Uint8Array(FEATURE_DIM / 8);
  for (let j = 0; j < FEATURE_DIM; j++) if (counts[j]! >= 2) bits[j >>> 3]! |= 1 << (j & 7);
  return bits;
}

function familiarityIndex(s: Sample, familiar: Uint8Array): number {
  const flags = new Uint8Array(s.tri.length);
  let ascii = 0;
  for (let i = 0; i < s.tri.length; i++) {
    const j = s.tri[i]!;
    if (j < 0) continue;
    ascii++;
    if (!isFamiliar(familiar, j)) flags[i] = 1;
  }
  return unfamiliarIndex(ascii, densestSpan(flags, 0, flags.length));
}

export function train(samples: Sample[], opts: TrainOptions = DEFAULT_TRAIN): Trained {
  const familiar = buildFamiliar(samples);
  const extra = Int32Array.from(samples, (s) => familiarityIndex(s, familiar));
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
      const x = extra[k]!;
      let z = w[x]!;
      for (let i = 0; i < s.idx.length; i++) z += w[s.idx[i]!]! * s.val[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - s.label) * s.weight * classW[s.label]! * norm;
      {
        const gi = g + opts.l2 * w[x]!;
        g2[x]! += gi * gi;
        w[x]! -= (opts.learningRate * gi) / Math.sqrt(g2[x]!);
      }
      for (let i = 0; i < s.idx.length; i++) {
        const j = s.idx[i]!;
        const gi = g * s.val[i]! + opts.l2 * w[j]!;
        g2[j]! += gi * gi;
        w[j]! -= (opts.learningRate * gi) / Math.sqrt(g2[j]!);
      }
    }
  }
  return { weights: w, familiar };
}

export function makeModel(
  trained: Trained,
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
    familiar: true,
    ...extra,
  };
  return { meta, weights: trained.weights, familiar: trained.familiar };
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
