import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpoint } from '../../src/audit/checkpoint.js';
import { auditAdminRoutes } from '../../src/audit/http.js';
import { type AuditLog, createAuditLog } from '../../src/audit/log.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { parseVerifierKey } from '../../src/audit/note-keys.js';
import { makeExchange, openTestDb, type TestDb, testConfig } from './helpers.js';

describe('audit admin routes', () => {
  let t: TestDb;
  let log: AuditLog;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await openTestDb('postgres');
    log = await createAuditLog({ config: testConfig(), db: t.store.db, dataDir: t.dataDir });
    for (let i = 0; i < 9; i++) log.record(makeExchange(i));
    await log.checkpoint();
    for (let i = 9; i < 20; i++) log.record(makeExchange(i));
    await log.checkpoint();
    app = Fastify();
    await app.register(auditAdminRoutes(log), { prefix: '/admin/v1' });
  });
  afterAll(async () => {
    await app.close();
    await log.close();
    await t.cleanup();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('serves the public key and the latest checkpoint, which verify together', async () => {
    const key = await get('/admin/v1/audit/public-key');
    expect(key.statusCode).toBe(200);
    const cp = await get('/admin/v1/audit/checkpoint');
    expect(cp.headers['content-type']).toMatch(/^text\/plain/);
    expect(verifyCheckpoint(cp.body, parseVerifierKey(key.body)).size).toBe(20);
  });

  it('serves entries and proofs that a client checks on its own', async () => {
    const key = parseVerifierKey((await get('/admin/v1/audit/public-key')).body);
    const cp = verifyCheckpoint((await get('/admin/v1/audit/checkpoint')).body, key);
    const entries = (await get('/admin/v1/audit/entries?from=3&to=6')).json();
    expect(entries.entries.map((e: { index: number }) => e.index)).toEqual([3, 4, 5]);
    const inc = (await get('/admin/v1/audit/proof/inclusion?entry=4')).json();
    expect(inc.leaf).toBe(entries.entries[1].leaf);
    verifyInclusion(
      4,
      cp.size,
      hashLeaf(Buffer.from(inc.leaf)),
      inc.proof.map((p: string) => Buffer.from(p, 'base64')),
      cp.root,
    );
    const con = (await get('/admin/v1/audit/proof/consistency?from=9&to=20')).json();
    verifyConsistency(
      9,
      20,
      Buffer.from(con.fromRoot, 'base64'),
      cp.root,
      con.proof.map((p: string) => Buffer.from(p, 'base64')),
    );
  });

  it('answers hostile queries with a clear 400 or 404', async () => {
    for (const url of [
      '/admin/v1/audit/entries',
      '/admin/v1/audit/entries?from=-1',
      '/admin/v1/audit/entries?from=abc',
      '/admin/v1/audit/entries?from=1&evil=1',
      '/admin/v1/audit/proof/inclusion?entry=1%27%20or%201=1',
      '/admin/v1/audit/proof/consistency?from=0&to=3',
      '/admin/v1/audit/entries?from=5&to=2',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe('invalid_request');
    }
    const far = await get('/admin/v1/audit/proof/inclusion?entry=500');
    expect(far.statusCode).toBe(404);
    expect(far.json().error.code).toBe('not_found');
    // Pages are capped.
    const page = (await get('/admin/v1/audit/entries?from=0&to=100000')).json();
    expect(page.to).toBe(1000);
  });
});
