import { describe, expect, it } from 'vitest';
import { createOnnxInjectionDetector, OnnxDetectorError } from '../../../src/guards/injection/onnx.js';

describe('createOnnxInjectionDetector', () => {
  it('fails with a clear, coded error when onnxruntime-node is not installed', async () => {
    const tokenize = () => ({ inputIds: new BigInt64Array(1), attentionMask: new BigInt64Array(1) });
    const err = await createOnnxInjectionDetector('/nonexistent/model.onnx', { tokenize }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxDetectorError);
    expect((err as OnnxDetectorError).code).toBe('INJECTION_ONNX_UNAVAILABLE');
    expect((err as Error).message).toMatch(/onnxruntime-node/);
  });
});
