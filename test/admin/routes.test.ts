import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-key.js';
import { KeyVerifier } from '../../src/auth/verifier.js';
import { type AdminAction, adminRoutes } from '../../src/gateway/admin/routes.js';
import type { Store } from '../../src/store/db.js';
import { backends, SLOW_HOOK_MS } from '../store/backends.js';

const TOKEN = 'pca_test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const T0 = Date.parse('2031-03-01T12:00:00.000Z');

for (const backend of backends()) {
  describe(`admin API on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let clock = T0;
    const events: AdminAction[] = [];
    let keysChanged = 0;

    beforeAll(async () => {
      store = await backend.open();
      app = Fastify({ logger: false });
      await app.register(adminRoutes, {
        prefix: '/admin/v1',
        store,
        adminToken: TOKEN,
        now: () => new Date(clock),
        onAdminAction: (e) => events.push(e),
        onKeysChanged: () => {
          keysChanged++;
        },
      });
      await app.ready();
    }, SLOW_HOOK_MS);
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await backend.cleanup();
    });

    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: unknown,
      headers: Record<string, string> = AUTH,
    ) => app.inject({ method, url: `/admin/v1${url}`, payload: payload as string | object | undefined, headers });

    it('creates, lists, gets and disables tenants', async () => {
      const created = await call('POST', '/tenants', { id: 'acme', name: 'Acme Corp' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({
        id: 'acme',
        name: 'Acme Corp',
        created_at: '2031-03-01T12:00:00.000Z',
        disabled_at: null,
      });
      expect(events.at(-1)).toEqual({
        action: 'tenant.create',
        actor: 'admin',
        target: 'acme',
        details: { name: 'Acme Corp' },
      });

      const dup = await call('POST', '/tenants', { id: 'acme' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('conflict');

      expect((await call('GET', '/tenants')).json().data.map((t: { id: string }) => t.id)).toContain('acme');
      expect((await call('GET', '/tenants/acme')).json().name).toBe('Acme Corp');
      expect((await call('GET', '/tenants/ghost')).statusCode).toBe(404);

      await call('POST', '/tenants', { id: 'leaving' });
      const before = keysChanged;
      clock += 1000;
      const del = await call('DELETE', '/tenants/leaving');
      expect(del.statusCode).toBe(200);
      expect(del.json().disabled_at).toBe('2031-03-01T12:00:01.000Z');
      expect(keysChanged).toBe(before + 1);
      expect(events.at(-1)).toMatchObject({ action: 'tenant.disable', target: 'leaving' });
    });

    it('issues a key once, then lists and shows it without the key', async () => {
      const res = await call('POST', '/keys', {
        tenant: 'acme',
        models: ['gpt-4o'],
        expires_at: '2032-01-01T00:00:00Z',
        name: 'ci',
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual([
        'created_at',
        'expires_at',
        'id',
        'key',
        'models',
        'name',
        'prefix',
        'tenant',
      ]);
      expect(body.key).toMatch(/^pcs_[0-9A-Za-z]{43}$/);
      expect(body.id).toMatch(/^key_/);
      expect(body.expires_at).toBe('2032-01-01T00:00:00.000Z');
      expect(body.models).toEqual(['gpt-4o']);
      const last = events.at(-1)!;
      expect(last.action).toBe('key.create');
      expect(JSON.stringify(last)).not.toContain(body.key);

      const listed = await call('GET', '/keys?tenant=acme');
      expect(listed.statusCode).toBe(200);
      const text = listed.body;
      expect(text).not.toContain(body.key);
      expect(text).not.toContain(hashApiKey(body.key));
      const one = await call('GET', `/keys/${body.id}`);
      expect(one.json()).toMatchObject({
        id: body.id,
        tenant: 'acme',
        status: 'active',
        prefix: body.key.slice(0, 8),
        name: 'ci',
      });
      expect(one.body).not.toContain(body.key);
      expect((await call('GET', '/keys?tenant=ghost')).statusCode).toBe(404);
    });

    it('revokes and rotates keys, and the verifier agrees', async () => {
      const verifier = new KeyVerifier({
        db: store.db,
        ttlMs: 0,
        negativeTtlMs: 0,
        touchIntervalMs: 0,
        now: () => clock,
      });
      const issued = (await call('POST', '/keys', { tenant: 'acme' })).json();
      expect((await verifier.verify(issued.key)).keyId).toBe(issued.id);

      const rotated = await call('POST', `/keys/${issued.id}/rotate`, { grace_seconds: 3600 });
      expect(rotated.statusCode).toBe(201);
      const r = rotated.json();
      expect(r.replaces).toBe(issued.id);
      expect(r.key).not.toBe(issued.key);
      expect(r.old_key_grace_until).toBe(new Date(clock + 3600_000).toISOString());
      expect(events.at(-1)).toMatchObject({
        action: 'key.rotate',
        target: issued.id,
        details: { new_key: r.id, grace_seconds: 3600 },
      });

      clock += 3599_000;
      expect((await verifier.verify(issued.key)).keyId).toBe(issued.id);
      clock += 1000;
      await expect(verifier.verify(issued.key)).rejects.toMatchObject({ code: 'PCX_KEY_REVOKED' });
      expect((await verifier.verify(r.key)).keyId).toBe(r.id);
      expect((await call('POST', `/keys/${issued.id}/rotate`, { grace_seconds: 1 })).statusCode).toBe(409);

      const revoked = await call('DELETE', `/keys/${r.id}`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().status).toBe('revoked');
      await expect(verifier.verify(r.key)).rejects.toMatchObject({ code: 'PCX_KEY_REVOKED' });
      expect((await call('DELETE', '/keys/key_0000000000000000000000')).statusCode).toBe(404);
    });

    it('refuses missing and wrong admin tokens on every route', async () => {
      const routes: Array<['GET' | 'POST' | 'DELETE', string]> = [
        ['GET', '/tenants'],
        ['POST', '/tenants'],
        ['GET', '/tenants/acme'],
        ['DELETE', '/tenants/acme'],
        ['POST', '/keys'],
        ['GET', '/keys'],
        ['GET', '/keys/key_x'],
        ['DELETE', '/keys/key_x'],
        ['POST', '/keys/key_x/rotate'],
        ['GET', '/openapi.json'],
      ];
      for (const [method, url] of routes) {
        for (const headers of [
          {},
          { authorization: 'Bearer wrong-token-0123456789' },
          { authorization: `Bearer ${TOKEN}x` },
          { authorization: TOKEN },
          { 'x-api-key': TOKEN },
        ] as Array<Record<string, string>>) {
          const res = await call(method, url, method === 'POST' ? { id: 'intruder' } : undefined, headers);
          expect(res.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
          expect(res.json().error.code).toBe('invalid_admin_token');
          expect(res.body).not.toContain(TOKEN);
        }
      }
      expect((await call('GET', '/tenants/intruder')).statusCode).toBe(404);
    });

    it('answers hostile bodies with 400 and the offending param', async () => {
      const cases: Array<[string, unknown, number, string, string?]> = [
        ['/tenants', '{"id": "x",', 400, 'invalid_json'],
        ['/tenants', '[1,2]', 400, 'invalid_json'],
        ['/tenants', '"acme"', 400, 'invalid_json'],
        ['/tenants', { id: 123 }, 400, 'invalid_request', 'id'],
        ['/tenants', { id: null }, 400, 'invalid_request', 'id'],
        ['/tenants', { id: 'ok-id', name: 'n'.repeat(10_000) }, 400, 'invalid_request', 'name'],
        ['/tenants', { id: 'ok-id', admin: true }, 400, 'invalid_request', 'admin'],
        ['/tenants', { id: "x'); drop table tenants; --" }, 400, 'invalid_request', 'id'],
        ['/tenants', { id: 'UPPER' }, 400, 'invalid_request', 'id'],
        ['/tenants', {}, 400, 'invalid_request', 'id'],
        ['/keys', { tenant: 'acme', models: [] }, 400, 'invalid_request', 'models'],
        ['/keys', { tenant: 'acme', models: 'gpt-4o' }, 400, 'invalid_request', 'models'],
        ['/keys', { tenant: 'acme', models: ['bad name'] }, 400, 'invalid_request', 'models.0'],
        ['/keys', { tenant: 'acme', expires_at: 'tomorrow' }, 400, 'invalid_request', 'expires_at'],
        ['/keys', { tenant: 'acme', expires_at: '2020-01-01T00:00:00Z' }, 400, 'invalid_request', 'expires_at'],
        ['/keys', { tenant: 'acme', expires_at: 1893456000 }, 400, 'invalid_request', 'expires_at'],
        ['/keys', { tenant: 'ghost' }, 404, 'not_found'],
        ['/keys', { tenant: 'leaving' }, 409, 'conflict'],
      ];
      for (const [url, payload, status, code, param] of cases) {
        const headers = typeof payload === 'string' ? { ...AUTH, 'content-type': 'application/json' } : AUTH;
        const res = await call('POST', url, payload, headers);
        expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(status);
        expect(res.json().error.code).toBe(code);
        if (param) expect(res.json().error.param).toBe(param);
        expect(typeof res.json().error.message).toBe('string');
      }
    });

    it('refuses oversized bodies, other media types, empty bodies and bad queries', async () => {
      const big = await call('POST', '/tenants', JSON.stringify({ id: 'big', name: 'x'.repeat(100_000) }), {
        ...AUTH,
        'content-type': 'application/json',
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('request_too_large');
      const form = await call('POST', '/tenants', 'id=acme', {
        ...AUTH,
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(form.statusCode).toBe(415);
      const empty = await call('POST', '/tenants', undefined);
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.code).toBe('invalid_request');
      const rotateNoBody = await call('POST', '/keys/key_0000000000000000000000/rotate', { grace_seconds: -5 });
      expect(rotateNoBody.json().error.param).toBe('grace_seconds');
      expect((await call('POST', '/keys/key_0000000000000000000000/rotate', { grace_seconds: '60' })).statusCode).toBe(
        400,
      );
      expect((await call('POST', '/keys/key_0000000000000000000000/rotate', { grace_seconds: 60 })).statusCode).toBe(
        404,
      );
      expect((await call('GET', '/keys?tenant=a&tenant=b')).statusCode).toBe(400);
      expect((await call('GET', '/keys?limit=5')).json().error.param).toBe('limit');
      expect((await call('GET', "/keys?tenant=' or 1=1 --")).statusCode).toBe(400);
    });

    it('answers SQL-looking and odd path ids with 404, and unknown routes with 404', async () => {
      for (const id of ["' or 1=1 --", 'key_%00', '..%2F..%2Fetc', 'key_aaaaaaaaaaaaaaaaaaaaaa; drop table api_keys']) {
        expect((await call('GET', `/keys/${encodeURIComponent(id)}`)).statusCode).toBe(404);
        expect((await call('GET', `/tenants/${encodeURIComponent(id)}`)).statusCode).toBe(404);
      }
      const nope = await call('GET', '/nope');
      expect(nope.statusCode).toBe(404);
      expect(nope.json().error.code).toBe('not_found');
      // The tables are intact.
      expect((await call('GET', '/tenants/acme')).statusCode).toBe(200);
    });

    it('keeps the change when a listener throws', async () => {
      const local = Fastify({ logger: false });
      await local.register(adminRoutes, {
        prefix: '/admin/v1',
        store,
        adminToken: TOKEN,
        onAdminAction: () => {
          throw new Error('audit down');
        },
      });
      const res = await local.inject({
        method: 'POST',
        url: '/admin/v1/tenants',
        payload: { id: 'listener-fails' },
        headers: AUTH,
      });
      expect(res.statusCode).toBe(201);
      expect((await call('GET', '/tenants/listener-fails')).statusCode).toBe(200);
      await local.close();
    });
  });
}

describe('adminRoutes options', () => {
  it('refuses a short admin token at registration', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(adminRoutes, { store: {} as Store, adminToken: 'short' }).ready()).rejects.toThrow(
      /at least 16/,
    );
  });
});
