import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-key.js';
import { PortcullisError } from '../../src/core/errors.js';
import type { Store } from '../../src/store/db.js';
import {
  createKey,
  findKeyByHash,
  getKey,
  keyStatus,
  keyView,
  listKeys,
  revokeKey,
  rotateKey,
  touchKeys,
} from '../../src/store/keys.js';
import { createTenant, disableTenant, getTenant, listTenants, tenantView } from '../../src/store/tenants.js';
import { backends, SLOW_HOOK_MS } from './backends.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PortcullisError);
  return (err as PortcullisError).code;
}

for (const backend of backends()) {
  describe(`tenants and keys on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
    }, SLOW_HOOK_MS);
    afterAll(async () => {
      await store?.close();
      await backend.cleanup();
    });

    it('creates, lists, gets and disables tenants', async () => {
      const row = await createTenant(store.db, { id: 'ten-a', name: 'Tenant A' }, T0);
      expect(tenantView(row)).toEqual({
        id: 'ten-a',
        name: 'Tenant A',
        created_at: '2030-01-01T00:00:00.000Z',
        disabled_at: null,
      });
      expect((await listTenants(store.db)).map((t) => t.id)).toContain('ten-a');
      expect(await codeOf(createTenant(store.db, { id: 'ten-a' }))).toBe('PCX_CONFLICT');
      const disabled = await disableTenant(store.db, 'ten-a', at(10));
      expect(disabled.disabled_at?.toISOString()).toBe('2030-01-01T00:00:10.000Z');
      // Disabling again keeps the first time.
      const again = await disableTenant(store.db, 'ten-a', at(99));
      expect(again.disabled_at?.toISOString()).toBe('2030-01-01T00:00:10.000Z');
    });

    it('refuses bad tenant ids and answers unknown ones with not found', async () => {
      expect(await codeOf(createTenant(store.db, { id: 'Upper' }))).toBe('PCX_INVALID_REQUEST');
      expect(await codeOf(createTenant(store.db, { id: `a${'b'.repeat(63)}` }))).toBe('PCX_INVALID_REQUEST');
      expect(await codeOf(createTenant(store.db, { id: "x'; drop table tenants; --" }))).toBe('PCX_INVALID_REQUEST');
      expect(await codeOf(getTenant(store.db, "' or '1'='1"))).toBe('PCX_NOT_FOUND');
      expect(await codeOf(getTenant(store.db, 'nobody'))).toBe('PCX_NOT_FOUND');
      // 63 characters is the longest id allowed.
      const longest = `a${'b'.repeat(62)}`;
      expect((await createTenant(store.db, { id: longest })).id).toBe(longest);
    });

    it('issues a key stored only as its hash, with models as JSON', async () => {
      await createTenant(store.db, { id: 'ten-k' }, T0);
      const { row, key } = await createKey(store.db, { tenant: 'ten-k', models: ['gpt-4o', 'claude/x:1'] }, T0);
      expect(key).toMatch(/^pcs_[0-9A-Za-z]{43}$/);
      expect(row.id).toMatch(/^key_[0-9A-Za-z]{22}$/);
      expect(row.hash).toBe(hashApiKey(key));
      expect(row.hash).not.toContain(key.slice(4));
      expect(row.prefix).toBe(key.slice(0, 8));
      expect(row.models).toEqual(['gpt-4o', 'claude/x:1']);
      const found = await findKeyByHash(store.db, hashApiKey(key));
      expect(found?.row.id).toBe(row.id);
      expect(found?.tenantDisabledAt).toBeNull();
      expect(await findKeyByHash(store.db, hashApiKey(`${key}x`))).toBeUndefined();
      const unlimited = await createKey(store.db, { tenant: 'ten-k' }, T0);
      expect((await getKey(store.db, unlimited.row.id)).models).toBeNull();
      expect(keyView(row, T0.getTime())).not.toHaveProperty('hash');
    });

    it('refuses keys for unknown or disabled tenants and past expiry', async () => {
      expect(await codeOf(createKey(store.db, { tenant: 'no-such' }))).toBe('PCX_NOT_FOUND');
      await createTenant(store.db, { id: 'ten-off' }, T0);
      await disableTenant(store.db, 'ten-off', T0);
      expect(await codeOf(createKey(store.db, { tenant: 'ten-off' }))).toBe('PCX_CONFLICT');
      await createTenant(store.db, { id: 'ten-exp' }, T0);
      expect(await codeOf(createKey(store.db, { tenant: 'ten-exp', expiresAt: at(-1) }, T0))).toBe(
        'PCX_INVALID_REQUEST',
      );
    });

    it('computes status from revocation, rotation and expiry', async () => {
      await createTenant(store.db, { id: 'ten-s' }, T0);
      const { row } = await createKey(store.db, { tenant: 'ten-s', expiresAt: at(100) }, T0);
      expect(keyStatus(row, at(99).getTime())).toBe('active');
      expect(keyStatus(row, at(100).getTime())).toBe('expired');
      const revoked = await revokeKey(store.db, row.id, at(50));
      expect(keyStatus(revoked, at(49).getTime())).toBe('active');
      expect(keyStatus(revoked, at(50).getTime())).toBe('revoked');
      const twice = await revokeKey(store.db, row.id, at(70));
      expect(twice.revoked_at?.toISOString()).toBe(at(50).toISOString());
      expect(await codeOf(revokeKey(store.db, 'key_doesnotexist00000000'))).toBe('PCX_NOT_FOUND');
      expect(await codeOf(getKey(store.db, "key_' or 1=1"))).toBe('PCX_NOT_FOUND');
    });

    it('rotates: same tenant, models and expiry; old key ends after the grace; only once', async () => {
      await createTenant(store.db, { id: 'ten-r' }, T0);
      const first = await createKey(
        store.db,
        { tenant: 'ten-r', models: ['m1'], expiresAt: at(10_000), name: 'ci' },
        T0,
      );
      const rotated = await rotateKey(store.db, first.row.id, 3600, at(100));
      expect(rotated.key).not.toBe(first.key);
      expect(rotated.row.tenant_id).toBe('ten-r');
      expect(rotated.row.models).toEqual(['m1']);
      expect(rotated.row.name).toBe('ci');
      expect(rotated.row.expires_at?.toISOString()).toBe(at(10_000).toISOString());
      expect(rotated.old.replaced_by).toBe(rotated.row.id);
      expect(rotated.old.grace_until?.toISOString()).toBe(at(3700).toISOString());
      expect(keyStatus(rotated.old, at(3699).getTime())).toBe('active');
      expect(keyStatus(rotated.old, at(3700).getTime())).toBe('rotated');
      expect(await codeOf(rotateKey(store.db, first.row.id, 10, at(200)))).toBe('PCX_CONFLICT');
      expect(await codeOf(rotateKey(store.db, rotated.row.id, -1))).toBe('PCX_INVALID_REQUEST');
      expect(await codeOf(rotateKey(store.db, rotated.row.id, 1.5))).toBe('PCX_INVALID_REQUEST');
      await revokeKey(store.db, rotated.row.id, at(300));
      expect(await codeOf(rotateKey(store.db, rotated.row.id, 10, at(400)))).toBe('PCX_CONFLICT');
    });

    it('two concurrent rotations of one key issue one replacement', async () => {
      await createTenant(store.db, { id: 'ten-cc' }, T0);
      const { row } = await createKey(store.db, { tenant: 'ten-cc' }, T0);
      const results = await Promise.allSettled([
        rotateKey(store.db, row.id, 60, at(1)),
        rotateKey(store.db, row.id, 60, at(1)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((rejected.reason as PortcullisError).code).toBe('PCX_CONFLICT');
      expect(await listKeys(store.db, { tenant: 'ten-cc' })).toHaveLength(2);
    });

    it('lists keys by tenant and touches last_used_at without moving it back', async () => {
      await createTenant(store.db, { id: 'ten-l1' }, T0);
      await createTenant(store.db, { id: 'ten-l2' }, T0);
      const a = await createKey(store.db, { tenant: 'ten-l1' }, T0);
      const b = await createKey(store.db, { tenant: 'ten-l1' }, at(1));
      await createKey(store.db, { tenant: 'ten-l2' }, T0);
      expect((await listKeys(store.db, { tenant: 'ten-l1' })).map((k) => k.id)).toEqual([a.row.id, b.row.id]);
      await touchKeys(store.db, [a.row.id, b.row.id], at(50));
      await touchKeys(store.db, [a.row.id], at(20));
      expect((await getKey(store.db, a.row.id)).last_used_at?.toISOString()).toBe(at(50).toISOString());
      await touchKeys(store.db, [], at(60));
    });

    it('reports a disabled tenant through the key lookup', async () => {
      await createTenant(store.db, { id: 'ten-d' }, T0);
      const { key } = await createKey(store.db, { tenant: 'ten-d' }, T0);
      await disableTenant(store.db, 'ten-d', at(5));
      expect((await findKeyByHash(store.db, hashApiKey(key)))?.tenantDisabledAt?.toISOString()).toBe(
        at(5).toISOString(),
      );
    });
  });
}
