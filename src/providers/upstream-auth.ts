/**
 * An upstream's 401 or 403 is about the gateway's provider key, not the client's Portcullis key. Passed on
 * with its status it would tell the client its own key is bad; it becomes a 502 PCX_UPSTREAM_AUTH naming the
 * provider instead. The upstream's message is not passed on: it may quote part of the provider key, which
 * the redactor (whole key only) would not catch.
 */
import { PortcullisError } from '../core/errors.js';

export function isUpstreamAuthStatus(status: number): boolean {
  return status === 401 || status === 403;
}

export function upstreamAuthError(provider: string, status: number): PortcullisError {
  const what = status === 401 ? 'rejected' : 'refused the permissions of';
  return new PortcullisError(
    'PCX_UPSTREAM_AUTH',
    `upstream rejected the gateway's credentials: provider "${provider}" ${what} the gateway's API key (upstream status ${status}); the operator must check the provider's api_key / api_key_env`,
    { details: { provider, upstream_status: status } },
  );
}
