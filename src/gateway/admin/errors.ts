import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ERROR_CATALOGUE, isPortcullisError, PortcullisError } from '../../core/errors.js';

/** The admin API's error body: `{"error":{"code","message","param"?}}`, codes from the catalogue's wire codes. */
export interface AdminErrorBody {
  error: { code: string; message: string; param?: string };
}

export function adminErrorBody(err: PortcullisError): AdminErrorBody {
  const body: AdminErrorBody = { error: { code: err.spec.wire, message: err.message } };
  if (err.param !== undefined) body.error.param = err.param;
  return body;
}

/** A zod failure as one 400, naming the first offending field (the rest are in the message). */
export function fromZodError(err: z.ZodError, where: 'body' | 'query'): PortcullisError {
  const first = err.issues[0];
  let param: string | undefined;
  if (first) {
    const keys = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0] ?? ''] : first.path;
    param = keys.map(String).join('.') || undefined;
  }
  const parts = err.issues.slice(0, 5).map((i) => {
    const path = i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path;
    const label = path.length > 0 ? path.map(String).join('.') : where;
    return `${label}: ${i.code === 'unrecognized_keys' ? 'unknown field' : i.message}`;
  });
  return new PortcullisError('PCX_INVALID_REQUEST', `invalid ${where}: ${parts.join('; ')}`, { param });
}

/** Maps fastify's own errors (bad JSON, too large, wrong media type) onto catalogue codes. */
export function toPortcullisError(err: unknown): PortcullisError {
  if (isPortcullisError(err)) return err;
  if (err instanceof z.ZodError) return fromZodError(err, 'body');
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new PortcullisError('PCX_INVALID_JSON', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PortcullisError('PCX_BODY_TOO_LARGE', 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PortcullisError('PCX_UNSUPPORTED_MEDIA', 'send the body as application/json');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new PortcullisError('PCX_INVALID_REQUEST', fe.message ?? 'invalid request');
  }
  return new PortcullisError('PCX_INTERNAL', 'internal error', { cause: err });
}

export function sendAdminError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const pe = toPortcullisError(err);
  if (pe.code === 'PCX_INTERNAL') req.log.error({ err }, 'admin API error');
  return reply.code(pe.status ?? ERROR_CATALOGUE[pe.code].status).send(adminErrorBody(pe));
}
