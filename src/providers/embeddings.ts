import type { EmbeddingsRequest } from '../core/chat.js';
import { PortcullisError } from '../core/errors.js';

export const MAX_EMBEDDING_INPUTS = 2048;

/**
 * `POST /v1/embeddings` (OpenAI). Text input only: token-id arrays are refused, because the guards cannot
 * read them and a gateway that inspects content must not let content past uninspected.
 */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length === 0 || b.model.length > 256) {
    throw new PortcullisError('PCX_INVALID_REQUEST', 'model must be a non-empty string', { param: 'model' });
  }
  const raw = b.input;
  let input: string[];
  if (typeof raw === 'string') input = [raw];
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'string')) input = raw as string[];
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number' || Array.isArray(x))) {
    throw new PortcullisError(
      'PCX_UNSUPPORTED',
      'token-array input is not accepted: send text so it can be inspected',
      {
        param: 'input',
      },
    );
  } else {
    throw new PortcullisError('PCX_INVALID_REQUEST', 'input must be a string or a non-empty array of strings', {
      param: 'input',
    });
  }
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw new PortcullisError('PCX_INVALID_REQUEST', `input may hold at most ${MAX_EMBEDDING_INPUTS} strings`, {
      param: 'input',
    });
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'model' || k === 'input') continue;
    if (k === 'encoding_format' && v !== 'float' && v !== 'base64') {
      throw new PortcullisError('PCX_INVALID_REQUEST', 'encoding_format must be "float" or "base64"', { param: k });
    }
    if (k === 'dimensions' && !(Number.isInteger(v) && (v as number) > 0)) {
      throw new PortcullisError('PCX_INVALID_REQUEST', 'dimensions must be a positive integer', { param: k });
    }
    extra[k] = v;
  }
  return { model: b.model, input, extra };
}
