import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/gateway/admin/routes.js';
import type { Store } from '../../src/store/db.js';
import { startHarness } from '../gateway/harness.js';
import { backends, SLOW_HOOK_MS } from '../store/backends.js';

const TOKEN = 'pca_openapi-test-token-000000';

describe('admin OpenAPI document', () => {
  const [backend] = backends();
  let store: Store;
  const app = Fastify({ logger: false });
  /** Every route the plugin registers, as "METHOD /path" in OpenAPI's `{param}` form. */
  const registered: string[] = [];

  beforeAll(async () => {
    store = await backend!.open();
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) {
        if (m === 'HEAD') continue;
        registered.push(`${m} ${r.url.replace('/admin/v1', '').replace(/:(\w+)/g, '{$1}')}`);
      }
    });
    await app.register(adminRoutes, { prefix: '/admin/v1', store, adminToken: TOKEN });
    await app.ready();
  }, SLOW_HOOK_MS);
  afterAll(async () => {
    await app.close();
    await store?.close();
    await backend!.cleanup();
  });

  it('is served as JSON and lists every route of the plugin', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/admin/v1/openapi.json',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toBe('3.1.0');
    const documented: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) {
        if (method !== 'parameters') documented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(registered.length).toBe(10);
    // This plugin's routes; the audit and extraction routes mounted beside it are checked against the
    // assembled gateway below.
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('has resolvable $refs and schemas generated from the validators', async () => {
    const doc = (
      await app.inject({ method: 'GET', url: '/admin/v1/openapi.json', headers: { authorization: `Bearer ${TOKEN}` } })
    ).json();
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/(\w+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) {
      const name = r.slice('"#/components/schemas/'.length, -1);
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    const createKey = doc.components.schemas.CreateKey;
    expect(createKey.additionalProperties).toBe(false);
    expect(createKey.required).toEqual(['tenant']);
    expect(Object.keys(createKey.properties).sort()).toEqual(['expires_at', 'models', 'name', 'tenant']);
    expect(doc.components.schemas.CreateTenant.properties.id.pattern).toBe('^[a-z0-9][a-z0-9_-]{0,62}$');
    expect(doc.components.schemas.RotateKey.required).toEqual(['grace_seconds']);
    expect(doc.components.securitySchemes.adminToken).toEqual({ type: 'http', scheme: 'bearer' });
    // Every operation has an id and its success response.
    for (const item of Object.values(
      doc.paths as Record<string, Record<string, { operationId?: string; responses?: object }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(op.operationId).toMatch(/^[a-zA-Z]+$/);
        expect(Object.keys(op.responses ?? {}).some((s) => s.startsWith('2'))).toBe(true);
      }
    }
  });
});

/** "METHOD /path" of every route in fastify's printRoutes tree (`├── /a (GET, HEAD)`, children indented by 4). */
function routesOf(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

describe('the admin OpenAPI document against the assembled gateway', () => {
  it('documents every /admin/v1 route the gateway serves (tenants, keys, audit, extraction), no more', async () => {
    const h = await startHarness();
    try {
      const served = routesOf(h.gw.app.printRoutes({ commonPrefix: false }))
        .filter((r) => r.split(' ')[1]!.startsWith('/admin/v1/'))
        .map((r) => r.replace('/admin/v1', '').replace(/:(\w+)/g, '{$1}'));
      // The walk itself: routes of every admin plugin are seen.
      for (const r of ['GET /tenants/{id}', 'GET /audit/entries', 'POST /extraction/accounts/{account}/confirm'])
        expect(served).toContain(r);
      const res = await fetch(`${h.base}/admin/v1/openapi.json`, {
        headers: { authorization: 'Bearer pca_test_admin_token_0123456789' },
      });
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: object };
      };
      const documented: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of Object.keys(item)) {
          if (method !== 'parameters') documented.push(`${method.toUpperCase()} ${path}`);
        }
      }
      const missing = served.filter((r) => !documented.includes(r));
      expect(missing, `admin routes missing from the OpenAPI document: ${missing.join(', ')}`).toEqual([]);
      expect(documented.filter((r) => !served.includes(r))).toEqual([]);
      // Every $ref resolves.
      for (const r of JSON.stringify(doc).match(/"#\/components\/schemas\/(\w+)"/g) ?? []) {
        expect((doc.components.schemas as Record<string, unknown>)[r.slice(22, -1)], r).toBeDefined();
      }
    } finally {
      await h.close();
    }
  }, 180_000);
});
