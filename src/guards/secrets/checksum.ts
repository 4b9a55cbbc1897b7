import { base62, crc32 } from '../text/checksums.js';

/**
 * GitHub (2021 format) and npm tokens end in six base62 characters holding the CRC-32 of the 30 random
 * characters before them. A match proves the token is well-formed (not typed by hand or truncated); a
 * mismatch is still reported, with a lower score, because synthetic and mangled tokens are still secrets.
 */
export function crc32TokenValid(body: string): boolean {
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}
