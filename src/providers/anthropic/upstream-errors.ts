/**
 * Maps transport failures and upstream error answers to the adapter error contract (src/providers/adapter.ts).
 * Every message built here passes through `redact`, so an upstream that echoes the key back (some proxies
 * do, in "invalid key sk-…" messages) cannot leak it to the client or the logs.
 */
import { PortcullisError } from '../../core/errors.js';
import { isUpstreamAuthStatus, upstreamAuthError } from '../upstream-auth.js';

/** Upstream error text shown to clients is cut to this many characters. */
export const MAX_UPSTREAM_MESSAGE = 1024;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function makeRedactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (text) => text;
  return (text) => text.split(secret).join('[redacted]');
}

function errorCode(err: unknown): string | undefined {
  // undici wraps some socket errors; the useful code may sit on the cause.
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || TIMEOUT_CODES.has(code))) return code;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A failure of the HTTP exchange itself (no answer, or the answer cut off). */
export function transportError(err: unknown, provider: string, url: string, timeoutMs: number): PortcullisError {
  if (err instanceof PortcullisError) return err;
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new PortcullisError(
      'PCX_UPSTREAM_TIMEOUT',
      `provider "${provider}" at ${url} did not answer within ${timeoutMs} ms`,
    );
  }
  const why = code ?? (err instanceof Error ? err.name : 'unknown error');
  return new PortcullisError('PCX_UPSTREAM_UNREACHABLE', `provider "${provider}" at ${url} is unreachable (${why})`);
}

/** The `message` of an Anthropic (or OpenAI-shaped) error body, else the start of the raw text. */
export function upstreamMessage(raw: string): string {
  let message = raw;
  try {
    const v = JSON.parse(raw) as { error?: { message?: unknown }; message?: unknown };
    if (typeof v?.error?.message === 'string') message = v.error.message;
    else if (typeof v?.message === 'string') message = v.message;
  } catch {
    // not JSON: the raw text is the best message there is
  }
  return message.length > MAX_UPSTREAM_MESSAGE ? `${message.slice(0, MAX_UPSTREAM_MESSAGE)}…` : message;
}

export function statusError(
  provider: string,
  status: number,
  raw: string,
  redact: (text: string) => string,
  retryAfter: string | undefined,
): PortcullisError {
  if (isUpstreamAuthStatus(status)) return upstreamAuthError(provider, status);
  const message = redact(upstreamMessage(raw).trim() || 'no error message');
  const seconds = retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return new PortcullisError('PCX_UPSTREAM_ERROR', `provider "${provider}" answered ${status}: ${message}`, {
    status,
    ...(seconds === undefined ? {} : { retryAfter: seconds }),
  });
}
