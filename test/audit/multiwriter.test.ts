import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/log.js';
import { openStore, type Store } from '../../src/store/db.js';
import * as m002 from '../../src/store/migrations/002_audit.js';
import { makeExchange, openTestDb, PG_URL, type TestDb, tempDir, testConfig } from './helpers.js';

describe('several gateways sharing PostgreSQL', () => {
  let t: TestDb;
  let second: Store;
  const shared = tempDir('pcx-audit-shared-');

  beforeAll(async () => {
    t = await openTestDb('postgres');
    // A second pool on the same schema, as a second gateway process would have.
    second = await openStore({
      dataDir: tempDir(),
      databaseUrl: PG_URL,
      schema: t.schema!,
      migrations: { '002_audit': m002 },
    });
  });
  afterAll(async () => {
    await second.close();
    await t.cleanup();
  });

  it('append concurrently into one linear, verifiable log', async () => {
    const env = { PORTCULLIS_AUDIT_KEK: randomBytes(32).toString('base64') };
    const config = testConfig({
      signing_key_file: join(shared, 'signing.key'),
      batch_interval_ms: 2,
      batch_max_entries: 97,
    });
    const a = await createAuditLog({ config, db: t.store.db, dataDir: tempDir(), env });
    const b = await createAuditLog({ config, db: second.db, dataDir: tempDir(), env });
    expect(b.publicKey).toBe(a.publicKey);
    for (let i = 0; i < 1500; i++) {
      a.record(makeExchange(i, { tenant: 'a' }));
      b.record(makeExchange(i, { tenant: 'b' }));
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all([a.flush(), b.flush()]);
    await a.checkpoint();
    const report = await b.verify();
    expect(report.size).toBe(3000);
    const tenants = (await a.entries(0, 3000)).map((e) => e.entry.tenant);
    expect(tenants.filter((x) => x === 'a')).toHaveLength(1500);
    expect(tenants.filter((x) => x === 'b')).toHaveLength(1500);
    await a.close();
    await b.close();
  });
});
