import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/gateway/admin/routes.js';
import type { Store } from '../../src/store/db.js';
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

  it('is served as JSON and lists exactly the registered routes', async () => {
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
    expect(documented.sort()).toEqual([...registered].sort());
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
