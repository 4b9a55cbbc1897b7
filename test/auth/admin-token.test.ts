import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdminTokenError, adminTokenMatches, ensureAdminToken, readAdminToken } from '../../src/auth/admin-token.js';

const roots: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pcs-admin-'));
  roots.push(d);
  return d;
};
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

describe('ensureAdminToken', () => {
  it('creates a private pca_ token in a private folder, then reuses it', () => {
    const dir = join(fresh(), 'data');
    const first = ensureAdminToken(dir, {});
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^pca_[0-9A-Za-z]{43}$/);
    expect(first.path).toBe(join(dir, 'admin-token'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path, 'utf8').trim()).toBe(first.token);
    const second = ensureAdminToken(dir, {});
    expect(second).toEqual({ token: first.token, path: first.path, created: false });
  });

  it('prefers PORTCULLIS_ADMIN_TOKEN and writes nothing', () => {
    const dir = join(fresh(), 'data');
    const t = ensureAdminToken(dir, { PORTCULLIS_ADMIN_TOKEN: 'env-token-0123456789' });
    expect(t).toEqual({ token: 'env-token-0123456789', path: 'env:PORTCULLIS_ADMIN_TOKEN', created: false });
    expect(() => statSync(dir)).toThrow();
  });

  it('refuses a short token from the environment or the file', () => {
    const dir = fresh();
    expect(() => ensureAdminToken(dir, { PORTCULLIS_ADMIN_TOKEN: 'short' })).toThrow(AdminTokenError);
    writeFileSync(join(dir, 'admin-token'), '\n');
    try {
      readAdminToken(dir, {});
      expect.unreachable();
    } catch (e) {
      expect((e as AdminTokenError).code).toBe('ADMIN_TOKEN_WEAK');
    }
  });

  it('readAdminToken does not create one', () => {
    const dir = fresh();
    expect(readAdminToken(dir, {})).toBeUndefined();
    expect(() => statSync(join(dir, 'admin-token'))).toThrow();
  });

  it('matches tokens exactly', () => {
    expect(adminTokenMatches('pca_abcdefghijklmnop', 'pca_abcdefghijklmnop')).toBe(true);
    expect(adminTokenMatches('pca_abcdefghijklmnoP', 'pca_abcdefghijklmnop')).toBe(false);
    expect(adminTokenMatches('pca_abcdefghijklmnop ', 'pca_abcdefghijklmnop')).toBe(false);
  });
});
