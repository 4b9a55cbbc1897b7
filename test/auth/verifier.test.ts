import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-key.js';
import { KeyVerifier } from '../../src/auth/verifier.js';
import { PortcullisError } from '../../src/core/errors.js';
import type { Store } from '../../src/store/db.js';
import { createKey, getKey, revokeKey, rotateKey } from '../../src/store/keys.js';
import { createTenant, disableTenant } from '../../src/store/tenants.js';
import { backends, SLOW_HOOK_MS } from '../store/backends.js';

const T0 = Date.parse('2030-06-01T00:00:00.000Z');

class Clock {
  t = T0;
  now = () => this.t;
  date = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

async function failure(p: Promise<unknown>): Promise<PortcullisError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PortcullisError);
  return err as PortcullisError;
}

for (const backend of backends()) {
  describe(`KeyVerifier on ${backend.name}`, () => {
    let store: Store;
    let n = 0;
    const tenant = async () => (await createTenant(store.db, { id: `t${++n}` }, new Date(T0))).id;
    const setup = (opts: Partial<ConstructorParameters<typeof KeyVerifier>[0]> = {}) => {
      const clock = new Clock();
      const verifier = new KeyVerifier({
        db: store.db,
        ttlMs: 5000,
        negativeTtlMs: 1000,
        touchIntervalMs: 0,
        now: clock.now,
        ...opts,
      });
      return { clock, verifier };
    };

    beforeAll(async () => {
      store = await backend.open();
    }, SLOW_HOOK_MS);
    afterAll(async () => {
      await store?.close();
      await backend.cleanup();
    });

    it('verifies a valid key into its principal', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const { row, key } = await createKey(store.db, { tenant: t, models: ['a', 'b'] }, clock.date());
      expect(await verifier.verify(key)).toEqual({ tenant: t, keyId: row.id, models: ['a', 'b'] });
    });

    it('refuses unknown and malformed keys without echoing them', async () => {
      const { verifier } = setup();
      const unknown = `pcs_${'Q'.repeat(43)}`;
      const e1 = await failure(verifier.verify(unknown));
      expect(e1.code).toBe('PCX_KEY_INVALID');
      expect(e1.status).toBe(401);
      expect(e1.message).toContain('pcs_QQQQ…');
      expect(e1.message).not.toContain('Q'.repeat(5));
      for (const bad of [
        '',
        'sk-proj-abcdefghijklmnopqrstuvwxyz',
        `pcs_${'a'.repeat(42)}!`,
        `pcs_${'a'.repeat(500)}`,
        "pcs_' or 1=1 --",
      ]) {
        const e = await failure(verifier.verify(bad));
        expect(e.code).toBe('PCX_KEY_INVALID');
        expect(e.message).not.toContain(bad.slice(4) || '\u0000');
      }
    });

    it('refuses revoked, expired, and disabled-tenant keys with their own codes', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const revoked = await createKey(store.db, { tenant: t }, clock.date());
      await revokeKey(store.db, revoked.row.id, clock.date());
      expect((await failure(verifier.verify(revoked.key))).code).toBe('PCX_KEY_REVOKED');

      const expiring = await createKey(store.db, { tenant: t, expiresAt: new Date(T0 + 10_000) }, clock.date());
      expect((await verifier.verify(expiring.key)).keyId).toBe(expiring.row.id);
      clock.advance(10_000);
      // Expiry is checked on every call, cached or not.
      const e = await failure(verifier.verify(expiring.key));
      expect(e.code).toBe('PCX_KEY_EXPIRED');
      expect(e.message).toContain(expiring.key.slice(0, 8));
      expect(e.message).not.toContain(expiring.key.slice(8, 16));

      const t2 = await tenant();
      const k2 = await createKey(store.db, { tenant: t2 }, clock.date());
      await disableTenant(store.db, t2, clock.date());
      expect((await failure(verifier.verify(k2.key))).code).toBe('PCX_KEY_REVOKED');
    });

    it('honours a revocation once the cache TTL has passed, not before', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const { row, key } = await createKey(store.db, { tenant: t }, clock.date());
      await verifier.verify(key);
      clock.advance(1000);
      await revokeKey(store.db, row.id, clock.date());
      clock.advance(3999); // 4999 ms after the lookup: still cached
      expect((await verifier.verify(key)).keyId).toBe(row.id);
      clock.advance(1); // 5000 ms: the entry is stale, the database is asked again
      expect((await failure(verifier.verify(key))).code).toBe('PCX_KEY_REVOKED');
    });

    it('answers from the cache without the database within the TTL', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const { row, key } = await createKey(store.db, { tenant: t }, clock.date());
      await verifier.verify(key);
      await store.db.deleteFrom('api_keys').where('id', '=', row.id).execute();
      clock.advance(4000);
      expect((await verifier.verify(key)).keyId).toBe(row.id);
      clock.advance(1000);
      expect((await failure(verifier.verify(key))).code).toBe('PCX_KEY_INVALID');
    });

    it('refreshes a busy key in the background in the last fifth of its TTL, never trusting it longer', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const kept = await createKey(store.db, { tenant: t }, clock.date());
      const revoked = await createKey(store.db, { tenant: t }, clock.date());
      await verifier.verify(kept.key);
      await verifier.verify(revoked.key);
      clock.advance(4500);
      await revokeKey(store.db, revoked.row.id, clock.date());
      // Still cached (and answered at once); each call starts a background lookup.
      expect((await verifier.verify(kept.key)).keyId).toBe(kept.row.id);
      expect((await verifier.verify(revoked.key)).keyId).toBe(revoked.row.id);
      await new Promise((r) => setTimeout(r, 200));
      // The database is gone for the next reads: only refreshed entries can answer now.
      await store.db.deleteFrom('api_keys').where('id', '=', kept.row.id).execute();
      clock.advance(4000); // 8500 ms: past the first lookup's TTL, within the refresh's
      expect((await verifier.verify(kept.key)).keyId).toBe(kept.row.id);
      // A refreshed entry carries what the refresh read: the revocation.
      expect((await failure(verifier.verify(revoked.key))).code).toBe('PCX_KEY_REVOKED');
      clock.advance(1000); // 9500 ms: the refreshed entry is past its own TTL too
      expect((await failure(verifier.verify(kept.key))).code).toBe('PCX_KEY_INVALID');
    });

    it('invalidate() drops cached answers at once', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const { row, key } = await createKey(store.db, { tenant: t }, clock.date());
      await verifier.verify(key);
      await revokeKey(store.db, row.id, clock.date());
      verifier.invalidate();
      expect((await failure(verifier.verify(key))).code).toBe('PCX_KEY_REVOKED');
    });

    it('remembers an unknown key briefly (negative cache)', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const key = `pcs_${'N'.repeat(20)}${'m'.repeat(23)}`;
      expect((await failure(verifier.verify(key))).code).toBe('PCX_KEY_INVALID');
      // The key appears in the database (inserted directly, as another process would).
      await store.db
        .insertInto('api_keys')
        .values({
          id: 'key_negativecache000000',
          tenant_id: t,
          hash: hashApiKey(key),
          prefix: key.slice(0, 8),
          name: null,
          models: null,
          expires_at: null,
          revoked_at: null,
          last_used_at: null,
          replaced_by: null,
          grace_until: null,
        })
        .execute();
      clock.advance(999);
      expect((await failure(verifier.verify(key))).code).toBe('PCX_KEY_INVALID');
      clock.advance(1);
      expect((await verifier.verify(key)).keyId).toBe('key_negativecache000000');
    });

    it('rotation: the old key works inside the grace and stops after; the new key works', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const old = await createKey(store.db, { tenant: t, models: ['m'] }, clock.date());
      const rotated = await rotateKey(store.db, old.row.id, 60, clock.date());
      expect((await verifier.verify(old.key)).keyId).toBe(old.row.id);
      clock.advance(59_999);
      expect((await verifier.verify(old.key)).keyId).toBe(old.row.id);
      clock.advance(1);
      const e = await failure(verifier.verify(old.key));
      expect(e.code).toBe('PCX_KEY_REVOKED');
      expect(e.message).toContain('rotated');
      expect(await verifier.verify(rotated.key)).toEqual({ tenant: t, keyId: rotated.row.id, models: ['m'] });
    });

    it('writes last_used_at in one batch on flush, not per request', async () => {
      const { clock, verifier } = setup();
      const t = await tenant();
      const a = await createKey(store.db, { tenant: t }, clock.date());
      const b = await createKey(store.db, { tenant: t }, clock.date());
      clock.advance(2000);
      for (let i = 0; i < 5; i++) {
        await verifier.verify(a.key);
        await verifier.verify(b.key);
      }
      expect((await getKey(store.db, a.row.id)).last_used_at).toBeNull();
      await verifier.flushUsage();
      expect((await getKey(store.db, a.row.id)).last_used_at?.getTime()).toBe(T0 + 2000);
      expect((await getKey(store.db, b.row.id)).last_used_at?.getTime()).toBe(T0 + 2000);
      await verifier.close();
    });

    it('bounds the cache: the least recently used entry goes first', async () => {
      const { clock, verifier } = setup({ maxEntries: 2 });
      const t = await tenant();
      const keys = await Promise.all([1, 2, 3].map(() => createKey(store.db, { tenant: t }, clock.date())));
      const [k1, k2, k3] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
      await verifier.verify(k1.key);
      await verifier.verify(k2.key);
      await verifier.verify(k1.key); // k1 is now the most recent
      await verifier.verify(k3.key); // evicts k2
      for (const k of keys) await store.db.deleteFrom('api_keys').where('id', '=', k.row.id).execute();
      expect((await verifier.verify(k1.key)).keyId).toBe(k1.row.id);
      expect((await verifier.verify(k3.key)).keyId).toBe(k3.row.id);
      expect((await failure(verifier.verify(k2.key))).code).toBe('PCX_KEY_INVALID');
    });
  });
}

describe('KeyVerifier with its database gone', { timeout: SLOW_HOOK_MS }, () => {
  it('fails closed with 503, not 401', async () => {
    const [backend] = backends();
    const store = await backend!.open();
    const t = await createTenant(store.db, { id: 'gone' });
    const { key } = await createKey(store.db, { tenant: t.id });
    await store.close();
    const verifier = new KeyVerifier({ db: store.db, touchIntervalMs: 0 });
    const e = await failure(verifier.verify(key));
    expect(e.code).toBe('PCX_DEPENDENCY_UNAVAILABLE');
    expect(e.status).toBe(503);
    await backend!.cleanup();
  });
});
