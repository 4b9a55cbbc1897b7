import type { Dialect } from '../core/chat.js';
import { ERROR_CATALOGUE, isPortcullisError, PortcullisError } from '../core/errors.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Maps fastify's own errors (body parsing, limits) onto the catalogue. */
export function fromFrameworkError(err: unknown, bodyLimit: number): PortcullisError {
  if (isPortcullisError(err)) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PortcullisError('PCX_BODY_TOO_LARGE', `request body is larger than the limit of ${bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PortcullisError('PCX_UNSUPPORTED_MEDIA', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PortcullisError('PCX_INVALID_JSON', 'the request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PortcullisError('PCX_INVALID_REQUEST', 'the Content-Length header does not match the body');
    default:
      if (e?.statusCode === 400) return new PortcullisError('PCX_INVALID_REQUEST', e.message ?? 'bad request');
      if (e?.statusCode === 413) return new PortcullisError('PCX_BODY_TOO_LARGE', 'request body too large');
      return new PortcullisError('PCX_INTERNAL', 'internal error', { cause: err });
  }
}

/** The error in the caller's own dialect (OpenAI or Anthropic shape), with the stable code in a header. */
export function renderError(err: PortcullisError, dialect: Dialect, requestId: string): RenderedError {
  const spec = ERROR_CATALOGUE[err.code];
  const headers: Record<string, string> = { 'x-portcullis-error': err.code };
  if (err.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfter)));
  const message = err.code === 'PCX_INTERNAL' ? `internal error (request ${requestId})` : err.message;
  if (dialect === 'anthropic') {
    return {
      status: err.status,
      headers,
      body: {
        type: 'error',
        error: { type: spec.anthropic, message, code: spec.wire, ...err.details },
        request_id: requestId,
      },
    };
  }
  return {
    status: err.status,
    headers,
    body: {
      error: { message, type: spec.openai, code: spec.wire, param: err.param ?? null, ...err.details },
      request_id: requestId,
    },
  };
}

/** Which dialect a path speaks, for errors raised before a route is chosen (404s, parse errors). */
export function dialectOfPath(url: string): Dialect {
  return url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}
