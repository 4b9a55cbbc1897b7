/**
 * PostgreSQL cut and restored under a running gateway. The gateway reaches the database through a TCP proxy
 * this test controls; cutting it drops every pooled connection and refuses new ones, as a network partition
 * or a database restart would. Requests that need the database fail cleanly with 503; keys the gateway
 * verified moments ago keep working; audit entries of answered requests wait in the local journal and reach
 * the database after the restore (or, if the gateway stops first, when the next one starts on the same data
 * folder); and `portcullis audit verify` accepts the result.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { type Assembled, assembleGateway } from '../../src/gateway/assemble.js';
import { createKey } from '../../src/store/keys.js';
import { createTenant } from '../../src/store/tenants.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import {
  adminPost,
  type ChatResult,
  CLI,
  type CuttableProxy,
  chat,
  createDatabase,
  ensureBuilt,
  type GatewayProcess,
  PG_URL,
  ROOT,
  spawnGateway,
  startProxy,
  tempDir,
  waitUntil,
} from './helpers.js';

const ADMIN = 'pca_pg_fault_admin_token_0123456789';

let fake: FakeOpenAI;
let proxy: CuttableProxy;
let db: Awaited<ReturnType<typeof createDatabase>>;
const dirs: string[] = [];
const gateways: Assembled[] = [];
const processes: GatewayProcess[] = [];

function configFor(dataDir: string, databaseUrl: string) {
  return {
    server: { port: 0, log_level: 'silent', shutdown_grace_ms: 1000 },
    // These tests are about limits, storage and faults; content inspection has its own tests (and is kept
    // out of the way so detector work in progress elsewhere cannot change the outcome here).
    guards: { enabled: false },
    storage: { data_dir: dataDir, database_url: databaseUrl },
    providers: [{ name: 'fake', type: 'openai', base_url: fake.url, region: 'eu', api_key: 'sk-up' }],
    models: [{ name: 'm', provider: 'fake', model: 'fake-model' }],
    audit: { batch_interval_ms: 10 },
  };
}

function viaProxy(url: string): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

async function start(dataDir: string): Promise<{ gw: Assembled; base: string }> {
  const gw = await assembleGateway({
    config: validateConfig(configFor(dataDir, viaProxy(db.url))),
    logger: false,
    env: { PORTCULLIS_ADMIN_TOKEN: ADMIN },
  });
  gateways.push(gw);
  await gw.app.listen({ host: '127.0.0.1', port: 0 });
  return { gw, base: `http://127.0.0.1:${(gw.app.server.address() as { port: number }).port}` };
}

async function stop(gw: Assembled): Promise<void> {
  await gw.close();
  gateways.splice(gateways.indexOf(gw), 1);
}

/** Runs `portcullis audit <args>` on the data folder, straight against the database (no proxy). */
async function cliAudit(dataDir: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  const file = join(dataDir, 'cli-config.yaml');
  writeFileSync(file, JSON.stringify(configFor(dataDir, db.url)));
  const child = spawn(process.execPath, [CLI, 'audit', '--config', file, '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, out };
}

const call = (base: string, key: string): Promise<ChatResult> =>
  chat(base, key, 'm', { signal: AbortSignal.timeout(30_000) });

function requestId(r: ChatResult): string {
  const id = r.headers.get('x-request-id');
  if (!id) throw new Error('no x-request-id');
  return id;
}

/** Request ids of exchange entries in the log, in log order. */
async function loggedRequestIds(gw: Assembled): Promise<string[]> {
  await gw.audit.flush();
  const { size } = await gw.audit.verify();
  const entries = await gw.audit.entries(0, size);
  return entries.flatMap((e) => (e.entry.type === 'exchange' ? [e.entry.request_id] : []));
}

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeOpenAI();
  db = await createDatabase();
  const server = new URL(PG_URL);
  proxy = await startProxy(server.hostname, Number(server.port || 5432));
}, 300_000);

afterAll(async () => {
  for (const gw of [...gateways]) await gw.close().catch(() => undefined);
  await Promise.allSettled(processes.map((p) => p.stop()));
  await proxy?.close();
  await fake?.close();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('PostgreSQL cut and restored', () => {
  it('fails cleanly while cut, keeps recently verified keys working, recovers without a restart, loses no audit entry', async () => {
    const dir = tempDir('pcx-pg-fault-');
    dirs.push(dir);
    const { gw, base } = await start(dir);
    await createTenant(gw.store.db, { id: 'acme' });
    const warm = (await createKey(gw.store.db, { tenant: 'acme', models: null, expiresAt: null })).key;
    const cold = (await createKey(gw.store.db, { tenant: 'acme', models: null, expiresAt: null })).key;

    const answered: string[] = [];
    const first = await call(base, warm);
    expect(first.status).toBe(200);
    answered.push(requestId(first));

    proxy.cut();
    // The warm key was verified a moment ago and is still in the verifier's cache (5 s): no query needed.
    for (let i = 0; i < 5; i++) {
      const r = await call(base, warm);
      expect(r.status).toBe(200);
      answered.push(requestId(r));
    }
    // A key never seen needs the database: a clean 503 with Retry-After, in the OpenAI shape.
    const refused = await call(base, cold);
    expect(refused.status).toBe(503);
    expect((refused.body.error as { code: string }).code).toBe('dependency_unavailable');
    expect((refused.body.error as { message: string }).message).toMatch(/key store is unavailable/);
    expect(refused.headers.get('retry-after')).toBe('1');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    proxy.restore();
    const back = await waitUntil(
      'the cold key to work after the restore',
      async () => {
        const r = await call(base, cold);
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    answered.push(requestId(back));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // Every answered exchange is in the log exactly once, including the five answered while the database
    // was unreachable.
    const logged = await loggedRequestIds(gw);
    for (const id of answered) expect(logged.filter((x) => x === id)).toHaveLength(1);
    expect(new Set(logged).size).toBe(logged.length);

    await stop(gw);
    const verified = await cliAudit(dir, 'verify');
    expect(verified.out).toMatch(/^ok: \d+ entries verified/m);
    expect(verified.code).toBe(0);
  });

  it('a gateway process stopped while cut keeps its entries in the journal; the next one on the same folder commits them', async () => {
    const dir = tempDir('pcx-pg-fault-restart-');
    dirs.push(dir);
    const config = { ...configFor(dir, viaProxy(db.url)), server: { log_level: 'warn', shutdown_grace_ms: 1000 } };
    const first = await spawnGateway({ config, dataDir: dir });
    processes.push(first);
    await adminPost(first.base, '/tenants', { id: 'beta' });
    const key = (await adminPost(first.base, '/keys', { tenant: 'beta' })).key as string;
    expect((await call(first.base, key)).status).toBe(200);

    proxy.cut();
    const during: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(first.base, key).catch((err: Error) => {
        throw new Error(`${err.message} (${String(err.cause)}); gateway output:\n${first.output()}`);
      });
      expect(r.status, first.output()).toBe(200);
      during.push(requestId(r));
    }
    // The process survived the cut (a connection error must not crash it).
    expect(first.child.exitCode, first.output()).toBeNull();
    // Stopped while the database is still unreachable: the entries exist only in the local journal.
    await first.stop();
    proxy.restore();

    const second = await spawnGateway({ config, dataDir: dir });
    processes.push(second);
    await second.stop();

    const exported = await cliAudit(dir, 'export');
    expect(exported.code, exported.out).toBe(0);
    const lines = exported.out.split('\n');
    for (const id of during) expect(lines.filter((l) => l.includes(id))).toHaveLength(1);
    const verified = await cliAudit(dir, 'verify');
    expect(verified.code, verified.out).toBe(0);
  });
});
