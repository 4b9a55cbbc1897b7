/**
 * Redis stopped, slowed and restarted under a running gateway. The machine's shared Redis is left alone:
 * this file starts its own redis-server on a free port and kills it. Two gateways use it, one with the
 * default `on_store_error: closed` and one with `open`.
 */
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { type Assembled, assembleGateway } from '../../src/gateway/assemble.js';
import { createKey } from '../../src/store/keys.js';
import { createTenant } from '../../src/store/tenants.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import {
  type ChatResult,
  chat,
  freePort,
  hasRedisServer,
  type RedisChild,
  startRedis,
  tempDir,
  waitUntil,
} from './helpers.js';

const available = hasRedisServer();
if (!available && process.env.CI) throw new Error('redis-server is required in CI for test/scale/redis-fault.test.ts');
if (!available) console.warn('skipping test/scale/redis-fault.test.ts: redis-server is not installed');

interface Gw {
  gw: Assembled;
  base: string;
  key: string;
  dir: string;
}

let redis: RedisChild | undefined;
let fake: FakeOpenAI;
let closed: Gw;
let open: Gw;

async function gateway(redisUrl: string, onStoreError: 'open' | 'closed'): Promise<Gw> {
  const dir = tempDir('pcx-redis-fault-');
  const config = validateConfig({
    server: { port: 0, log_level: 'silent', shutdown_grace_ms: 1000 },
    // These tests are about limits, storage and faults; content inspection has its own tests (and is kept
    // out of the way so detector work in progress elsewhere cannot change the outcome here).
    guards: { enabled: false },
    storage: { data_dir: dir, redis_url: redisUrl },
    providers: [{ name: 'fake', type: 'openai', base_url: fake.url, region: 'eu', api_key: 'sk-up' }],
    models: [{ name: 'm', provider: 'fake', model: 'fake-model' }],
    limits: {
      rules: [
        { scope: 'tenant', tenant: 'acme', requests_per_minute: 10_000 },
        { scope: 'tenant', tenant: 'tight', requests_per_minute: 3 },
      ],
      on_store_error: onStoreError,
      redis_command_timeout_ms: 300,
    },
  });
  const gw = await assembleGateway({
    config,
    logger: false,
    env: { PORTCULLIS_ADMIN_TOKEN: 'pca_redis_fault_admin_0123456789' },
  });
  await gw.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (gw.app.server.address() as { port: number }).port;
  for (const t of ['acme', 'tight']) await createTenant(gw.store.db, { id: t });
  const key = (await createKey(gw.store.db, { tenant: 'acme', models: null, expiresAt: null })).key;
  return { gw, base: `http://127.0.0.1:${port}`, key, dir };
}

/** A request that cannot hang the test: a gateway that never answers fails it with an abort. */
function call(g: Gw, key = g.key, dialect: 'openai' | 'anthropic' = 'openai'): Promise<ChatResult> {
  const signal = AbortSignal.timeout(30_000);
  if (dialect === 'openai') return chat(g.base, key, 'm', { signal });
  return fetch(`${g.base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    signal,
  }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  }));
}

describe.skipIf(!available)('Redis faults', () => {
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    redis = await startRedis(await freePort());
    closed = await gateway(redis.url, 'closed');
    open = await gateway(redis.url, 'open');
  }, 120_000);

  afterAll(async () => {
    for (const g of [closed, open]) {
      if (!g) continue;
      await g.gw.close();
      rmSync(g.dir, { recursive: true, force: true });
    }
    await redis?.stop();
    await fake?.close();
  }, 60_000);

  it('serves while Redis is up', async () => {
    expect((await call(closed)).status).toBe(200);
    expect((await call(open)).status).toBe(200);
  });

  it('Redis killed: fail-closed refuses with 503 dependency_unavailable in both dialects; fail-open serves', async () => {
    await redis!.stop();
    const before = fake.requests.length;
    const o = await call(closed);
    expect(o.status).toBe(503);
    expect((o.body.error as { code: string }).code).toBe('dependency_unavailable');
    expect((o.body.error as { message: string }).message).toMatch(/counter store is unavailable/);
    expect(o.headers.get('retry-after')).toBe('1');
    const a = await call(closed, closed.key, 'anthropic');
    expect(a.status).toBe(503);
    expect(a.body.type).toBe('error');
    expect((a.body.error as { type: string }).type).toBe('overloaded_error');
    // Nothing reached the upstream for the refused requests.
    expect(fake.requests.length).toBe(before);

    const passed = await call(open);
    expect(passed.status).toBe(200);
    expect(fake.requests.length).toBe(before + 1);
  });

  it('Redis restarted on the same port: the fail-closed gateway serves again without a restart', async () => {
    await redis!.start();
    // The client reconnects on its own (backing off up to 2 s between attempts).
    await waitUntil(
      'the fail-closed gateway to serve again',
      async () => ((await call(closed)).status === 200 ? true : undefined),
      60_000,
    );
    expect((await call(open)).status).toBe(200);
  });

  it('after recovery limits are enforced again (the restarted Redis starts with empty counters)', async () => {
    const tightKey = (await createKey(closed.gw.store.db, { tenant: 'tight', models: null, expiresAt: null })).key;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(closed, tightKey)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('Redis slow (blocked longer than the command timeout): fail-closed refuses, then recovers by itself', async () => {
    const admin = new Redis(redis!.url, { maxRetriesPerRequest: 0 });
    try {
      await admin.ping();
      // DEBUG SLEEP blocks the server for 3 s; the gateways' commands time out after 300 ms.
      const sleeping = admin.call('DEBUG', 'SLEEP', '3');
      // Give the DEBUG command time to reach Redis before the gateway's command does.
      await new Promise((r) => setTimeout(r, 200));
      const [o, p] = await Promise.all([call(closed), call(open)]);
      expect(o.status).toBe(503);
      expect((o.body.error as { code: string }).code).toBe('dependency_unavailable');
      expect(p.status).toBe(200);
      await sleeping;
    } finally {
      admin.disconnect();
    }
    await waitUntil(
      'the fail-closed gateway to serve after the pause',
      async () => ((await call(closed)).status === 200 ? true : undefined),
      60_000,
    );
  });
});
