/**
 * Errors in the OpenAI dialect: `{"error": {"message", "type", "param", "code"}}`, the shape the official
 * SDKs turn into typed exceptions.
 */
import type { OpenAIErrorType, PortcullisError } from '../../core/errors.js';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string };
}

/** The client-facing body for a refusal or failure. */
export function renderOpenAIError(err: PortcullisError): OpenAIErrorBody {
  return { error: { message: err.message, type: err.spec.openai, param: err.param ?? null, code: err.spec.wire } };
}

/** The body for an upstream error that arrives mid-stream, after the status line has gone out. */
export function renderStreamError(status: number, message: string): OpenAIErrorBody {
  const type: OpenAIErrorType = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'api_error';
  return { error: { message, type, param: null, code: 'upstream_error' } };
}
