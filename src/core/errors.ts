/**
 * The one error catalogue. Every refusal the gateway makes has a stable `PCX_*` code, an HTTP status,
 * the wire code clients see in the OpenAI dialect's `error.code`, and the error type of each dialect.
 * Codes are a closed union: adding one means adding a row here (and the catalogue test checks the rows).
 */

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'api_error';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface ErrorSpec {
  readonly status: number;
  /**
   * The stable code in the OpenAI body (`error.code`). The client APIs' header `x-portcullis-error` carries the
   * `PCX_*` code instead (docs/api.md); the audit routes send this one there.
   */
  readonly wire: string;
  readonly openai: OpenAIErrorType;
  readonly anthropic: AnthropicErrorType;
}

export const ERROR_CATALOGUE = {
  PCX_INVALID_JSON: {
    status: 400,
    wire: 'invalid_json',
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
  },
  PCX_INVALID_REQUEST: {
    status: 400,
    wire: 'invalid_request',
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
  },
  PCX_UNSUPPORTED: {
    status: 400,
    wire: 'unsupported_request',
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
  },
  PCX_BODY_TOO_LARGE: {
    status: 413,
    wire: 'request_too_large',
    openai: 'invalid_request_error',
    anthropic: 'request_too_large',
  },
  PCX_UNSUPPORTED_MEDIA: {
    status: 415,
    wire: 'unsupported_media_type',
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
  },
  PCX_NOT_FOUND: { status: 404, wire: 'not_found', openai: 'invalid_request_error', anthropic: 'not_found_error' },
  PCX_MODEL_NOT_FOUND: {
    status: 404,
    wire: 'model_not_found',
    openai: 'invalid_request_error',
    anthropic: 'not_found_error',
  },
  PCX_KEY_MISSING: {
    status: 401,
    wire: 'missing_api_key',
    openai: 'authentication_error',
    anthropic: 'authentication_error',
  },
  PCX_KEY_INVALID: {
    status: 401,
    wire: 'invalid_api_key',
    openai: 'authentication_error',
    anthropic: 'authentication_error',
  },
  PCX_KEY_REVOKED: {
    status: 401,
    wire: 'revoked_api_key',
    openai: 'authentication_error',
    anthropic: 'authentication_error',
  },
  PCX_KEY_EXPIRED: {
    status: 401,
    wire: 'expired_api_key',
    openai: 'authentication_error',
    anthropic: 'authentication_error',
  },
  PCX_ADMIN_UNAUTHORIZED: {
    status: 401,
    wire: 'invalid_admin_token',
    openai: 'authentication_error',
    anthropic: 'authentication_error',
  },
  PCX_MODEL_NOT_ALLOWED: {
    status: 403,
    wire: 'model_not_allowed',
    openai: 'permission_error',
    anthropic: 'permission_error',
  },
  PCX_ACCOUNT_BLOCKED: {
    status: 403,
    wire: 'account_blocked',
    openai: 'permission_error',
    anthropic: 'permission_error',
  },
  PCX_KEY_SUBSTREAM_BLOCKED: {
    status: 403,
    wire: 'key_substream_blocked',
    openai: 'permission_error',
    anthropic: 'permission_error',
  },
  PCX_REGION_NOT_ALLOWED: {
    status: 403,
    wire: 'region_not_allowed',
    openai: 'permission_error',
    anthropic: 'permission_error',
  },
  PCX_CONTENT_BLOCKED: {
    status: 400,
    wire: 'content_blocked',
    openai: 'invalid_request_error',
    anthropic: 'invalid_request_error',
  },
  PCX_OUTPUT_BLOCKED: { status: 502, wire: 'output_blocked', openai: 'server_error', anthropic: 'api_error' },
  PCX_CONFLICT: { status: 409, wire: 'conflict', openai: 'invalid_request_error', anthropic: 'invalid_request_error' },
  PCX_RATE_LIMITED: {
    status: 429,
    wire: 'rate_limit_exceeded',
    openai: 'rate_limit_error',
    anthropic: 'rate_limit_error',
  },
  PCX_BUDGET_EXCEEDED: {
    status: 429,
    wire: 'budget_exceeded',
    openai: 'rate_limit_error',
    anthropic: 'rate_limit_error',
  },
  PCX_THROTTLED: { status: 429, wire: 'throttled', openai: 'rate_limit_error', anthropic: 'rate_limit_error' },
  /** An upstream's own error, passed through with the upstream's status (set per instance). */
  PCX_UPSTREAM_ERROR: { status: 502, wire: 'upstream_error', openai: 'api_error', anthropic: 'api_error' },
  /** The upstream refused the gateway's own provider key (its 401/403): an operator problem, not the client's. */
  PCX_UPSTREAM_AUTH: { status: 502, wire: 'upstream_auth_failed', openai: 'server_error', anthropic: 'api_error' },
  PCX_UPSTREAM_UNREACHABLE: {
    status: 502,
    wire: 'upstream_unreachable',
    openai: 'server_error',
    anthropic: 'api_error',
  },
  PCX_UPSTREAM_BAD_RESPONSE: {
    status: 502,
    wire: 'upstream_bad_response',
    openai: 'server_error',
    anthropic: 'api_error',
  },
  PCX_UPSTREAM_TIMEOUT: { status: 504, wire: 'upstream_timeout', openai: 'server_error', anthropic: 'api_error' },
  PCX_DEPENDENCY_UNAVAILABLE: {
    status: 503,
    wire: 'dependency_unavailable',
    openai: 'server_error',
    anthropic: 'overloaded_error',
  },
  PCX_SHUTTING_DOWN: { status: 503, wire: 'shutting_down', openai: 'server_error', anthropic: 'overloaded_error' },
  PCX_INTERNAL: { status: 500, wire: 'internal_error', openai: 'server_error', anthropic: 'api_error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorOptions {
  /** Path of the offending field, e.g. `messages.0.content`. */
  param?: string;
  /** Extra, non-secret details safe to show the client (e.g. the detector that blocked). */
  details?: Record<string, unknown>;
  /** Seconds the client should wait before retrying (429/503). */
  retryAfter?: number;
  /** Overrides the catalogue status; used only to pass an upstream's own status through. */
  status?: number;
  cause?: unknown;
}

export class PortcullisError extends Error {
  override readonly name = 'PortcullisError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_CATALOGUE[code].status;
    this.param = options.param;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get spec(): ErrorSpec {
    return ERROR_CATALOGUE[this.code];
  }
}

export function isPortcullisError(err: unknown): err is PortcullisError {
  return err instanceof PortcullisError;
}
