/**
 * Optional: an ONNX sequence classifier (e.g. a fine-tuned DeBERTa prompt-injection model) as an
 * injection detector. `onnxruntime-node` is not a dependency of Portcullis; it is imported lazily so
 * the gateway runs without it, and this factory fails with a clear message when it is absent.
 *
 * The caller supplies the tokenizer (models differ), producing input ids and an attention mask; the
 * model's first output must be logits of shape [1, 2] (benign, injection) or [1, 1] (injection logit).
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';

export type OnnxDetectorErrorCode = 'INJECTION_ONNX_UNAVAILABLE' | 'INJECTION_ONNX_INVALID';

export class OnnxDetectorError extends Error {
  override readonly name = 'OnnxDetectorError';
  readonly code: OnnxDetectorErrorCode;
  constructor(code: OnnxDetectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface OnnxTokenized {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

export interface OnnxDetectorOptions {
  tokenize: (text: string) => OnnxTokenized;
  /** Findings under this probability are not reported. Default 0.5. */
  reportFloor?: number;
  /** Detector name; default `injection.onnx`. */
  name?: string;
}

// Minimal structural types of the parts of onnxruntime-node used here.
interface OrtTensor {
  data: ArrayLike<number>;
  dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  outputNames: readonly string[];
}
interface OrtModule {
  InferenceSession: { create(path: string): Promise<OrtSession> };
  Tensor: new (type: string, data: BigInt64Array, dims: number[]) => unknown;
}

export interface AsyncDetector extends Omit<Detector, 'detect'> {
  detect(text: string, ctx: DetectContext): Promise<Finding[]>;
}

export async function createOnnxInjectionDetector(path: string, options: OnnxDetectorOptions): Promise<AsyncDetector> {
  let ort: OrtModule;
  try {
    const moduleName = 'onnxruntime-node';
    ort = (await import(moduleName)) as OrtModule;
  } catch (err) {
    throw new OnnxDetectorError(
      'INJECTION_ONNX_UNAVAILABLE',
      'createOnnxInjectionDetector needs the optional package onnxruntime-node, which is not installed; install it (npm install onnxruntime-node) or use the built-in injection.classifier',
      { cause: err },
    );
  }
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(path);
  } catch (err) {
    throw new OnnxDetectorError('INJECTION_ONNX_INVALID', `cannot load ONNX model ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const floor = options.reportFloor ?? 0.5;
  const name = options.name ?? 'injection.onnx';
  return {
    name,
    category: 'injection',
    defaultAction: 'block',
    description: `ONNX sequence classifier loaded from ${path}`,
    async detect(text: string): Promise<Finding[]> {
      const { inputIds, attentionMask } = options.tokenize(text);
      const dims = [1, inputIds.length];
      const out = await session.run({
        input_ids: new ort.Tensor('int64', inputIds, dims),
        attention_mask: new ort.Tensor('int64', attentionMask, dims),
      });
      const logits = out[session.outputNames[0]!];
      if (logits === undefined) throw new OnnxDetectorError('INJECTION_ONNX_INVALID', 'model produced no output');
      const d = logits.data;
      const score = d.length >= 2 ? 1 / (1 + Math.exp(Number(d[0]) - Number(d[1]))) : 1 / (1 + Math.exp(-Number(d[0])));
      if (!(score >= floor)) return [];
      return [{ detector: name, category: 'injection', score: Math.round(score * 1000) / 1000, reason: 'onnx' }];
    },
  };
}
