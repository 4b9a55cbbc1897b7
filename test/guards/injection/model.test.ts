import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_DIM } from '../../../src/guards/injection/features.js';
import { defaultModelDir, InjectionModelError, loadModel, parseModel } from '../../../src/guards/injection/model.js';
import { INJECTION_THRESHOLDS } from '../../../src/guards/injection/thresholds.js';

const meta = JSON.parse(readFileSync(join(defaultModelDir(), 'model.json'), 'utf8'));
const weights = new Uint8Array(FEATURE_DIM * 4);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof InjectionModelError ? err.code : 'other';
  }
  return undefined;
}

describe('injection model loading', () => {
  it('loads the committed model', () => {
    const m = loadModel();
    expect(m.weights.length).toBe(FEATURE_DIM);
    expect(m.meta.format).toBe('portcullis-injection-linear');
  });

  it('exports the thresholds the committed model was tuned with', () => {
    expect(INJECTION_THRESHOLDS).toEqual(meta.thresholds);
  });

  it('keeps the committed weights under 5 MB', () => {
    expect(readFileSync(join(defaultModelDir(), 'weights.bin')).byteLength).toBeLessThan(5 * 1024 * 1024);
  });

  it('rejects malformed JSON, wrong format, wrong feature version and bad thresholds', () => {
    expect(code(() => parseModel('{not json', weights))).toBe('INJECTION_MODEL_INVALID');
    expect(code(() => parseModel(JSON.stringify({ ...meta, format: 'onnx' }), weights))).toBe(
      'INJECTION_MODEL_INVALID',
    );
    expect(code(() => parseModel(JSON.stringify({ ...meta, featureVersion: 99 }), weights))).toBe(
      'INJECTION_MODEL_INVALID',
    );
    expect(code(() => parseModel(JSON.stringify({ ...meta, thresholds: { direct: 2, indirect: 0.5 } }), weights))).toBe(
      'INJECTION_MODEL_INVALID',
    );
    expect(code(() => parseModel('null', weights))).toBe('INJECTION_MODEL_INVALID');
  });

  it('rejects truncated or non-finite weights', () => {
    expect(code(() => parseModel(JSON.stringify(meta), new Uint8Array(100)))).toBe('INJECTION_MODEL_INVALID');
    const nan = new Uint8Array(FEATURE_DIM * 4);
    new DataView(nan.buffer).setFloat32(40, Number.NaN, true);
    expect(code(() => parseModel(JSON.stringify(meta), nan))).toBe('INJECTION_MODEL_INVALID');
  });

  it('requires familiar.bin of the right size when model.json says the model uses it', () => {
    expect(meta.familiar).toBe(true);
    expect(code(() => parseModel(JSON.stringify(meta), weights))).toBe('INJECTION_MODEL_INVALID');
    expect(code(() => parseModel(JSON.stringify(meta), weights, new Uint8Array(10)))).toBe('INJECTION_MODEL_INVALID');
    expect(code(() => parseModel(JSON.stringify(meta), weights, new Uint8Array(FEATURE_DIM / 8)))).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'inj-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(meta));
    writeFileSync(join(dir, 'weights.bin'), weights);
    expect(code(() => loadModel(dir))).toBe('INJECTION_MODEL_MISSING');
  });

  it('says how to train when the model files are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inj-'));
    expect(code(() => loadModel(dir))).toBe('INJECTION_MODEL_MISSING');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(meta));
    expect(() => loadModel(dir)).toThrow(/train-injection/);
  });
});
