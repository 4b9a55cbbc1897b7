/**
 * Upstream failures mapped to the error catalogue. Every message names the provider and its URL (without
 * credentials) so an operator can act, and passes through the redactor so the upstream key never
 * reaches a client, a log or an audit record, even when an upstream echoes it back.
 */
import { PortcullisError } from '../../core/errors.js';
import { isUpstreamAuthStatus, upstreamAuthError } from '../upstream-auth.js';

/** The longest upstream error message passed on. */
export const MAX_UPSTREAM_MESSAGE = 1024;

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface UpstreamIdentity {
  name: string;
  /** Base URL without user info or query: safe to show. */
  url: string;
  timeoutMs: number;
  /** Removes the upstream key from any text before it leaves the adapter. */
  redact(text: string): string;
}

export function makeRedactor(secret: string | undefined): (text: string) => string {
  if (secret === undefined || secret === '') return (t) => t;
  return (t) => (t.includes(secret) ? t.split(secret).join('[redacted]') : t);
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  // Connection errors arrive wrapped (AggregateError from happy eyeballs, `cause` chains).
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = inner ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An overall deadline passed before the upstream finished. */
export function timeoutError(up: UpstreamIdentity): PortcullisError {
  return new PortcullisError(
    'PCX_UPSTREAM_TIMEOUT',
    `provider "${up.name}" at ${up.url} did not answer within ${up.timeoutMs} ms`,
  );
}

/** A transport failure (connect, reset, timeout) as the catalogue error for it. */
export function transportError(err: unknown, up: UpstreamIdentity): PortcullisError {
  if (err instanceof PortcullisError) return err;
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT.has(code)) {
    const what =
      code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT'
        ? 'did not accept a connection in time'
        : `did not answer within ${up.timeoutMs} ms`;
    return new PortcullisError('PCX_UPSTREAM_TIMEOUT', `provider "${up.name}" at ${up.url} ${what} (${code})`);
  }
  const reason = code ?? (err instanceof Error ? err.name : 'unknown error');
  const known = code !== undefined && UNREACHABLE.has(code);
  return new PortcullisError(
    'PCX_UPSTREAM_UNREACHABLE',
    up.redact(`provider "${up.name}" at ${up.url} is unreachable (${known ? reason : `unexpected: ${reason}`})`),
  );
}

/** Finds the human-readable message in an upstream's error body (OpenAI, vLLM, or plain text). */
export function upstreamMessage(raw: string): string {
  let msg: string | undefined;
  try {
    const json = JSON.parse(raw) as unknown;
    if (typeof json === 'string') msg = json;
    else if (json !== null && typeof json === 'object') {
      const o = json as { error?: unknown; message?: unknown; detail?: unknown };
      if (typeof o.error === 'string') msg = o.error;
      else if (
        o.error !== null &&
        typeof o.error === 'object' &&
        typeof (o.error as { message?: unknown }).message === 'string'
      ) {
        msg = (o.error as { message: string }).message;
      } else if (typeof o.message === 'string') msg = o.message;
      else if (typeof o.detail === 'string') msg = o.detail;
    }
  } catch {
    // Not JSON: the raw text is the message.
  }
  msg ??= raw.trim();
  return msg.length > MAX_UPSTREAM_MESSAGE ? `${msg.slice(0, MAX_UPSTREAM_MESSAGE)}…` : msg;
}

/** A non-2xx answer: the upstream's status and its own message (truncated, redacted). */
export function statusError(status: number, raw: string, up: UpstreamIdentity, retryAfter?: number): PortcullisError {
  if (isUpstreamAuthStatus(status)) return upstreamAuthError(up.name, status);
  const own = upstreamMessage(raw);
  const message = up.redact(own === '' ? `provider "${up.name}" answered with status ${status}` : own);
  const opts: { status: number; retryAfter?: number; details: Record<string, unknown> } = {
    status,
    details: { upstream_status: status },
  };
  if (retryAfter !== undefined) opts.retryAfter = retryAfter;
  return new PortcullisError('PCX_UPSTREAM_ERROR', message, opts);
}

export function badResponse(up: UpstreamIdentity, what: string): PortcullisError {
  return new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', `provider "${up.name}" at ${up.url} sent ${what}`);
}
