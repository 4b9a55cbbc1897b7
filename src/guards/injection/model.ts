/**
 * The trained linear model: `model.json` (metadata, thresholds, metrics) beside `weights.bin`
 * (FEATURE_DIM little-endian float32). Loaded once, validated at the boundary, then read-only.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_BITS, FEATURE_DIM, FEATURE_VERSION } from './features.js';

export type InjectionModelErrorCode = 'INJECTION_MODEL_MISSING' | 'INJECTION_MODEL_INVALID';

export class InjectionModelError extends Error {
  override readonly name = 'InjectionModelError';
  readonly code: InjectionModelErrorCode;
  constructor(code: InjectionModelErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface InjectionModelMeta {
  format: 'portcullis-injection-linear';
  featureVersion: number;
  featureBits: number;
  /** Characters per scored window and the step between windows. */
  window: number;
  stride: number;
  /** Recommended thresholds tuned on validation data. */
  thresholds: { direct: number; indirect: number };
  /** The model reads familiar.bin (FEATURE_DIM bits): the gibberish measure of features.ts. */
  familiar?: boolean;
  trainedAt?: string;
  seed?: number;
  [extra: string]: unknown;
}

export interface InjectionModel {
  readonly meta: InjectionModelMeta;
  readonly weights: Float32Array;
  /** Bitset over the 3-gram slots seen in benign training text (familiar.bin), when the model uses it. */
  readonly familiar?: Uint8Array;
}

/** Where the committed model lives, from src/ (tsx) or dist/src/ (built). */
export function defaultModelDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../../../models/injection', '../../../../models/injection']) {
    const dir = join(here, up);
    if (existsSync(join(dir, 'model.json'))) return dir;
  }
  return join(here, '../../../models/injection');
}

export function parseModel(metaJson: string, weightBytes: Uint8Array, familiarBytes?: Uint8Array): InjectionModel {
  let meta: InjectionModelMeta;
  try {
    meta = JSON.parse(metaJson) as InjectionModelMeta;
  } catch (err) {
    throw new InjectionModelError('INJECTION_MODEL_INVALID', `model.json is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof meta !== 'object' || meta === null || meta.format !== 'portcullis-injection-linear') {
    throw new InjectionModelError(
      'INJECTION_MODEL_INVALID',
      'model.json: format must be "portcullis-injection-linear"',
    );
  }
  if (meta.featureVersion !== FEATURE_VERSION || meta.featureBits !== FEATURE_BITS) {
    throw new InjectionModelError(
      'INJECTION_MODEL_INVALID',
      `model was trained with features v${meta.featureVersion}/${meta.featureBits} bits; this build computes v${FEATURE_VERSION}/${FEATURE_BITS}: retrain with scripts/train-injection.ts`,
    );
  }
  const okNumber = (x: unknown, lo: number, hi: number) => typeof x === 'number' && x >= lo && x <= hi;
  if (!okNumber(meta.window, 64, 65536) || !okNumber(meta.stride, 16, meta.window)) {
    throw new InjectionModelError('INJECTION_MODEL_INVALID', 'model.json: window/stride out of range');
  }
  if (!okNumber(meta.thresholds?.direct, 0, 1) || !okNumber(meta.thresholds?.indirect, 0, 1)) {
    throw new InjectionModelError('INJECTION_MODEL_INVALID', 'model.json: thresholds must be numbers in 0..1');
  }
  if (weightBytes.byteLength !== FEATURE_DIM * 4) {
    throw new InjectionModelError(
      'INJECTION_MODEL_INVALID',
      `weights.bin has ${weightBytes.byteLength} bytes; expected ${FEATURE_DIM * 4}`,
    );
  }
  const weights = new Float32Array(FEATURE_DIM);
  const view = new DataView(weightBytes.buffer, weightBytes.byteOffset, weightBytes.byteLength);
  for (let i = 0; i < FEATURE_DIM; i++) {
    const w = view.getFloat32(i * 4, true);
    if (!Number.isFinite(w))
      throw new InjectionModelError('INJECTION_MODEL_INVALID', `weights.bin: non-finite weight at ${i}`);
    weights[i] = w;
  }
  let familiar: Uint8Array | undefined;
  if (meta.familiar === true) {
    if (familiarBytes === undefined || familiarBytes.byteLength !== FEATURE_DIM / 8) {
      throw new InjectionModelError(
        'INJECTION_MODEL_INVALID',
        `familiar.bin must have ${FEATURE_DIM / 8} bytes (model.json says the model uses it)`,
      );
    }
    familiar = Uint8Array.from(familiarBytes);
  }
  return familiar === undefined
    ? { meta: Object.freeze(meta), weights }
    : { meta: Object.freeze(meta), weights, familiar };
}

export function loadModel(dir: string = defaultModelDir()): InjectionModel {
  const metaPath = join(dir, 'model.json');
  const weightPath = join(dir, 'weights.bin');
  if (!existsSync(metaPath) || !existsSync(weightPath)) {
    throw new InjectionModelError(
      'INJECTION_MODEL_MISSING',
      `no injection model in ${dir} (model.json and weights.bin); train one with: npx tsx scripts/train-injection.ts`,
    );
  }
  const familiarPath = join(dir, 'familiar.bin');
  const metaJson = readFileSync(metaPath, 'utf8');
  let wantsFamiliar = false;
  try {
    wantsFamiliar = (JSON.parse(metaJson) as { familiar?: unknown } | null)?.familiar === true;
  } catch {
    // parseModel reports the malformed JSON.
  }
  if (wantsFamiliar && !existsSync(familiarPath)) {
    throw new InjectionModelError(
      'INJECTION_MODEL_MISSING',
      `no familiar.bin in ${dir} beside model.json; train one with: npx tsx scripts/train-injection.ts`,
    );
  }
  return parseModel(
    metaJson,
    readFileSync(weightPath),
    existsSync(familiarPath) ? readFileSync(familiarPath) : undefined,
  );
}

export function serializeWeights(weights: Float32Array): Uint8Array {
  const bytes = new Uint8Array(weights.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < weights.length; i++) view.setFloat32(i * 4, weights[i]!, true);
  return bytes;
}

let cached: InjectionModel | undefined;

/** The committed model, loaded on first use. */
export function defaultModel(): InjectionModel {
  cached ??= loadModel();
  return cached;
}
