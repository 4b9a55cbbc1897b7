import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key format: `pcs_` + 43 base62 characters drawn from the OS CSPRNG (43 · log2(62) ≈ 256 bits).
 * Base62 so a key survives double-click selection, URLs and shell quoting untouched.
 */
export const API_KEY_PREFIX = 'pcs_';
export const API_KEY_BODY_LENGTH = 43;
export const API_KEY_PATTERN = /^pcs_[0-9A-Za-z]{43}$/;
/** How much of a key may be shown or logged: the prefix and four characters, ~24 bits, useless to guess from. */
export const DISPLAY_PREFIX_LENGTH = 8;

export const KEY_ID_PREFIX = 'key_';
export const KEY_ID_PATTERN = /^key_[0-9A-Za-z]{22}$/;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform base62 string: bytes ≥ 248 are dropped so `% 62` has no bias (248 = 4 · 62). */
export function randomBase62(length: number, random: (n: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < length) {
    const bytes = random(Math.max(16, (length - out.length) * 2));
    for (const b of bytes) {
      if (b >= 248) continue;
      out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(API_KEY_BODY_LENGTH);
}

/** A key's public handle (`key_` + 22 base62 ≈ 131 bits), unrelated to the key's secret. */
export function generateKeyId(): string {
  return KEY_ID_PREFIX + randomBase62(22);
}

/**
 * Keys are stored as an unsalted SHA-256. A slow, salted password hash (scrypt, argon2) exists to make
 * guessing low-entropy human passwords expensive; a key here is 256 random bits, so no dictionary or
 * rainbow table applies and a fast hash is as strong — while letting the database index the hash and find
 * a key in one lookup on the hot path.
 */
export function hashApiKey(key: string): string {
  return hashApiKeyBytes(key).toString('hex');
}

/** The same hash as raw bytes, for constant-time comparison. */
export function hashApiKeyBytes(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The part of a key safe to show in listings and error messages. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/**
 * Constant-time equality of two secrets (or their hex hashes). Both sides are hashed first so that inputs
 * of different lengths take the same time too (`timingSafeEqual` requires equal lengths).
 */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
