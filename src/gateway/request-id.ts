import { randomView } from '../core/random.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Uses the client's x-request-id when it is a safe token (no header injection), else makes one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && SAFE_ID.test(header)) return header;
  return `req_${randomView(12).toString('base64url')}`;
}
