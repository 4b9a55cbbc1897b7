import { PortcullisError } from '../core/errors.js';
import type { Exchange, Principal } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';
import type { KeyVerifier } from './verifier.js';

/** Longest header value looked at; a real key is 47 characters. Longer values are refused unread. */
const MAX_CREDENTIAL_LENGTH = 512;

/**
 * Reads the caller's key from `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>`
 * (Anthropic clients). Both headers are attacker-controlled; duplicates or two different keys are refused
 * rather than guessed between.
 */
export function extractApiKey(headers: Exchange['client']['headers']): string {
  const auth = single(headers.authorization, 'Authorization');
  const xKey = single(headers['x-api-key'], 'x-api-key');
  let bearer: string | undefined;
  if (auth !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (!m) throw new PortcullisError('PCX_KEY_INVALID', 'the Authorization header must be "Bearer <API key>"');
    bearer = m[1];
  }
  const xTrimmed = xKey?.trim();
  if (bearer !== undefined && xTrimmed && bearer !== xTrimmed) {
    throw new PortcullisError('PCX_KEY_INVALID', 'Authorization and x-api-key carry different keys; send one');
  }
  const key = bearer ?? xTrimmed;
  if (!key) {
    throw new PortcullisError(
      'PCX_KEY_MISSING',
      'no API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
    );
  }
  return key;
}

function single(value: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw new PortcullisError('PCX_KEY_INVALID', `send one ${name} header, not ${value.length}`);
    value = value[0];
  }
  if (value !== undefined && value.length > MAX_CREDENTIAL_LENGTH) {
    throw new PortcullisError('PCX_KEY_INVALID', `the ${name} header is too long to hold an API key`);
  }
  return value === '' ? undefined : value;
}

/** PCX_MODEL_NOT_ALLOWED (403) unless the key may use `model` (a public model name). */
export function assertModelAllowed(principal: Principal, model: string): void {
  if (principal.models !== null && !principal.models.includes(model)) {
    throw new PortcullisError('PCX_MODEL_NOT_ALLOWED', `this API key may not use model "${model.slice(0, 128)}"`, {
      param: 'model',
    });
  }
}

function requestedModel(ex: Exchange): string | undefined {
  const r = ex.request;
  if (r.kind === 'chat') return r.chat.model;
  if (r.kind === 'embeddings') return r.embeddings.model;
  return undefined;
}

/** The authenticate stage: sets `ex.principal`, and refuses models the key is not limited to. */
export function createAuthenticateStage(keys: KeyVerifier): Stage {
  return async function authenticate(ex, next) {
    const principal = await keys.verify(extractApiKey(ex.client.headers));
    ex.principal = principal;
    const model = requestedModel(ex);
    if (model !== undefined) assertModelAllowed(principal, model);
    await next();
  };
}
