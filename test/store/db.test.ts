import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly, openStore, redactUrl } from '../../src/store/db.js';
import { StoreError } from '../../src/store/errors.js';
import { backends, freshPgliteDir, PG_URL, SLOW_HOOK_MS } from './backends.js';

for (const backend of backends()) {
  describe(`openStore on ${backend.name}`, { timeout: 120_000 }, () => {
    beforeAll(() => backend.prepare(), SLOW_HOOK_MS);
    afterAll(() => backend.cleanup());

    it('creates the core tables and records the migrations', async () => {
      const store = await backend.open();
      try {
        expect(store.kind).toBe(backend.name);
        const tables = await store.db.introspection.getTables();
        const names = tables.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['tenants', 'api_keys']));
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
        expect(applied.rows.map((r) => r.name)).toEqual([
          '001_core',
          '002_audit',
          '003_extraction',
          '004_limits',
          '005_keywatch',
        ]);
      } finally {
        await store.close();
      }
    });

    it('returns int8 as a string on both backends', async () => {
      const store = await backend.open();
      try {
        const r = await sql<{ n: unknown }>`select 9007199254740993::int8 as n`.execute(store.db);
        expect(r.rows[0]?.n).toBe('9007199254740993');
      } finally {
        await store.close();
      }
    });

    it('rolls back a failed transaction', async () => {
      const store = await backend.open();
      try {
        await expect(
          store.db.transaction().execute(async (trx) => {
            await trx.insertInto('tenants').values({ id: 'rolled', name: null, disabled_at: null }).execute();
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        const rows = await store.db.selectFrom('tenants').selectAll().execute();
        expect(rows).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('close twice is harmless', async () => {
      const store = await backend.open();
      await store.close();
      await store.close();
      await closeQuietly(store);
    });
  });
}

describe('PGlite data folder', { timeout: SLOW_HOOK_MS }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('persists across reopen and is created private', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pcs-persist-')), 'data');
    dirs.push(dir);
    const a = await openStore({ dataDir: dir });
    await a.db.insertInto('tenants').values({ id: 'kept', name: 'Kept', disabled_at: null }).execute();
    await a.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const b = await openStore({ dataDir: dir });
    try {
      const rows = await b.db.selectFrom('tenants').select(['id', 'name']).execute();
      expect(rows).toEqual([{ id: 'kept', name: 'Kept' }]);
    } finally {
      await b.close();
    }
  });

  it('runs the embedded database with small shared memory (not the 128 MB server default)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pcs-lean-')), 'data');
    dirs.push(dir);
    const s = await openStore({ dataDir: dir });
    try {
      const { rows } = await sql<{ sb: string; mc: string }>`
        select current_setting('shared_buffers') as sb, current_setting('max_connections') as mc`.execute(s.db);
      expect(rows).toEqual([{ sb: '16MB', mc: '4' }]);
      // A transaction of a few hundred audit-sized rows still commits with the smaller WAL buffers.
      await s.db.transaction().execute(async (tx) => {
        for (let i = 0; i < 300; i++)
          await tx
            .insertInto('tenants')
            .values({ id: `t${i}`, name: 'x'.repeat(900), disabled_at: null })
            .execute();
      });
      const count = await s.db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .execute();
      expect(Number(count[0]!.n)).toBe(300);
    } finally {
      await s.close();
    }
  });

  it('refuses a second open of the same folder while the first is open', async () => {
    const dir = await freshPgliteDir();
    dirs.push(dir);
    const a = await openStore({ dataDir: dir });
    try {
      expect(readFileSync(join(dir, 'pglite.lock'), 'utf8').trim()).toBe(String(process.pid));
      const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_LOCKED');
    } finally {
      await a.close();
    }
    const again = await openStore({ dataDir: dir });
    await again.close();
  });
});

describe('PostgreSQL options', () => {
  it('refuses a schema name that is not a plain identifier', async () => {
    const err = await openStore({ dataDir: '/x', databaseUrl: PG_URL, schema: 'a"; drop table x; --' }).catch(
      (e: unknown) => e,
    );
    expect((err as StoreError).code).toBe('STORE_BAD_OPTION');
  });

  it('reports an unreachable server without leaking the password', async () => {
    const err = await openStore({ dataDir: '/x', databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/db' }).catch(
      (e: unknown) => e,
    );
    expect((err as StoreError).code).toBe('STORE_OPEN_FAILED');
    expect((err as Error).message).not.toContain('hunter2');
    expect(redactUrl('postgres://u:hunter2@h/db')).toBe('postgres://u:***@h/db');
  });
});
