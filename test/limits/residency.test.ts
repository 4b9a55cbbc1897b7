import { describe, expect, it } from 'vitest';
import { residencySchema } from '../../src/config/limits.js';
import { isPortcullisError } from '../../src/core/errors.js';
import { allowedRegions } from '../../src/limits/residency.js';

const cfg = residencySchema.parse({
  origins: { eu: ['eu'], cn: ['cn'], us: ['us', 'eu'] },
  tenants: { 'eu-bank': ['eu'], global: ['eu', 'us', 'cn'] },
  keys: { key_usonly: ['us'] },
});

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isPortcullisError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('data residency', () => {
  it('no rule → no restriction', () => {
    expect(allowedRegions(cfg, { tenant: 'other', keyId: 'key_a', origin: undefined })).toBeUndefined();
  });

  it('a tenant rule binds its requests', () => {
    expect(allowedRegions(cfg, { tenant: 'eu-bank', keyId: 'key_a', origin: undefined })).toEqual(['eu']);
  });

  it('the data origin header narrows a tenant that may use many regions', () => {
    expect(allowedRegions(cfg, { tenant: 'global', keyId: 'key_a', origin: 'cn' })).toEqual(['cn']);
    expect(allowedRegions(cfg, { tenant: 'global', keyId: 'key_a', origin: 'US' })).toEqual(['eu', 'us']);
  });

  it('conflicting regimes: EU personal data at an EU-only tenant stays in eu; Chinese-origin data there is refused', () => {
    expect(allowedRegions(cfg, { tenant: 'eu-bank', keyId: 'key_a', origin: 'eu' })).toEqual(['eu']);
    const msg = refusal(() => allowedRegions(cfg, { tenant: 'eu-bank', keyId: 'key_a', origin: 'cn' }));
    expect(msg).toMatch(/^PCX_REGION_NOT_ALLOWED/);
    expect(msg).toContain('tenant eu-bank');
    expect(msg).toContain('data origin cn');
  });

  it('a key rule intersects with the tenant rule', () => {
    expect(refusal(() => allowedRegions(cfg, { tenant: 'eu-bank', keyId: 'key_usonly', origin: undefined }))).toMatch(
      /^PCX_REGION_NOT_ALLOWED/,
    );
    expect(allowedRegions(cfg, { tenant: 'global', keyId: 'key_usonly', origin: 'us' })).toEqual(['us']);
  });

  it('an unknown or hostile origin is refused with the known ones listed, and prototype keys are not origins', () => {
    expect(refusal(() => allowedRegions(cfg, { tenant: 'x', keyId: 'k', origin: 'mars' }))).toContain(
      'known origins: eu, cn, us',
    );
    expect(refusal(() => allowedRegions(cfg, { tenant: 'x', keyId: 'k', origin: '__proto__' }))).toMatch(
      /^PCX_REGION_NOT_ALLOWED/,
    );
    expect(refusal(() => allowedRegions(cfg, { tenant: 'x', keyId: 'k', origin: 'constructor' }))).toMatch(
      /^PCX_REGION_NOT_ALLOWED/,
    );
    const long = refusal(() => allowedRegions(cfg, { tenant: 'x', keyId: 'k', origin: 'z'.repeat(10_000) }));
    expect(long.length).toBeLessThan(300);
  });
});
