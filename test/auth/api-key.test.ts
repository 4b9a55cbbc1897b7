import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  API_KEY_PATTERN,
  displayPrefix,
  generateApiKey,
  generateKeyId,
  hashApiKey,
  randomBase62,
  secretsEqual,
} from '../../src/auth/api-key.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: vi.fn(real.randomBytes), timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

describe('API keys', () => {
  it('are pcs_ + 43 base62 characters (≥ 128 bits) from the CSPRNG', () => {
    vi.mocked(crypto.randomBytes).mockClear();
    const key = generateApiKey();
    expect(key).toMatch(/^pcs_[0-9A-Za-z]{43}$/);
    expect(API_KEY_PATTERN.test(key)).toBe(true);
    expect(43 * Math.log2(62)).toBeGreaterThan(128);
    expect(vi.mocked(crypto.randomBytes)).toHaveBeenCalled();
  });

  it('never repeat and use the whole alphabet', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateApiKey));
    expect(keys.size).toBe(2000);
    const chars = new Set([...keys].join('').replaceAll('pcs_', ''));
    expect(chars.size).toBe(62);
  });

  it('maps bytes to base62 without modulo bias: bytes ≥ 248 are skipped', () => {
    // 0 → '0', 61 → 'z', 62 → '0' (62 % 62), 248..255 dropped, 247 → 247 % 62 = 61 → 'z'.
    const bytes = Buffer.from([0, 61, 62, 248, 255, 247]);
    const fake = (n: number) =>
      Buffer.concat([bytes, Buffer.alloc(Math.max(0, n - bytes.length))]).subarray(0, Math.max(n, bytes.length));
    expect(randomBase62(4, fake)).toBe('0z0z');
  });

  it('key ids are separate from keys', () => {
    const id = generateKeyId();
    expect(id).toMatch(/^key_[0-9A-Za-z]{22}$/);
  });

  it('hash is hex SHA-256 of the whole key', () => {
    const key = 'pcs_abc';
    expect(hashApiKey(key)).toBe(createHash('sha256').update('pcs_abc').digest('hex'));
    expect(hashApiKey(key)).toHaveLength(64);
    // Known vector: SHA-256("abc").
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('shows at most 8 characters', () => {
    expect(displayPrefix('pcs_ABCDEFGHIJ')).toBe('pcs_ABCD');
  });

  it('compares secrets with timingSafeEqual, whatever their lengths', () => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
    expect(secretsEqual('a-secret-value', 'a-secret-value')).toBe(true);
    expect(secretsEqual('a-secret-value', 'a-secret-valuE')).toBe(false);
    expect(secretsEqual('short', 'a-much-longer-secret')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
    expect(vi.mocked(crypto.timingSafeEqual)).toHaveBeenCalledTimes(4);
  });
});
