import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KEK_ENV,
  kekFromBytes,
  loadKek,
  newDataKey,
  openContent,
  parseKek,
  sealContent,
  subjectRef,
  unwrapDataKey,
  wrapDataKey,
} from '../../src/audit/crypto.js';
import { AuditError } from '../../src/audit/errors.js';
import { tempDir } from './helpers.js';

const kek = kekFromBytes(Buffer.alloc(32, 1));

describe('envelope encryption', () => {
  it('seals and opens content; the ciphertext is bound to key id and request id', () => {
    const { key } = newDataKey(kek, 'acme', null, 0);
    const sealed = sealContent(key, 'req_1', 'hello');
    expect(sealed.alg).toBe('A256GCM');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    // 5 bytes of plaintext + 16 bytes of tag.
    expect(Buffer.from(sealed.ct, 'base64')).toHaveLength(21);
    expect(openContent(key, 'req_1', sealed)).toBe('hello');
    expect(() => openContent(key, 'req_2', sealed)).toThrow(/authentication failed/);
    const flipped = Buffer.from(sealed.ct, 'base64');
    flipped[0]! ^= 1;
    expect(() => openContent(key, 'req_1', { ...sealed, ct: flipped.toString('base64') })).toThrow(AuditError);
  });

  it('wraps data keys under the KEK and unwraps with the matching KEK only', () => {
    const { key, wrapped } = newDataKey(kek, 'acme', subjectRef('alice'), 5);
    expect(wrapped.wrapped.includes(key.key)).toBe(false);
    expect(unwrapDataKey([kek], wrapped).key.equals(key.key)).toBe(true);
    const other = kekFromBytes(Buffer.alloc(32, 2));
    expect(() => unwrapDataKey([other], wrapped)).toThrow(/not loaded/);
    // Re-labelling a wrapped key for another tenant breaks its authentication.
    expect(() => unwrapDataKey([kek], { ...wrapped, tenant: 'evil' })).toThrow(/authentication failed/);
    // Rotation: the same DEK re-wrapped under a new KEK opens with the new KEK.
    const rewrapped = wrapDataKey(other, key);
    expect(unwrapDataKey([kek, other], rewrapped).key.equals(key.key)).toBe(true);
  });

  it('hashes subject ids instead of storing them', () => {
    expect(subjectRef('alice')).toMatch(/^[0-9a-f]{64}$/);
    expect(subjectRef('alice')).not.toBe(subjectRef('bob'));
  });

  it('parses KEKs strictly, from the environment first', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(parseKek(b64, 'x').key.toString('base64')).toBe(b64);
    expect(() => parseKek('c2hvcnQ=', 'x')).toThrow(/32 bytes/);
    expect(() => parseKek('not base64 at all!!', 'x')).toThrow(AuditError);
    const dir = tempDir();
    const file = join(dir, 'kek');
    expect(() => loadKek({ file, env: {} })).toThrow(/no audit KEK/);
    const created = loadKek({ file, env: {}, create: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadKek({ file, env: {} }).id).toBe(created.id);
    expect(loadKek({ file, env: { [KEK_ENV]: b64 } }).key.toString('base64')).toBe(b64);
  });
});
