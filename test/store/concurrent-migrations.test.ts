import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { PG_URL } from './backends.js';

/** The advisory lock id Kysely's PostgresAdapter takes around migrations. */
const KYSELY_MIGRATION_LOCK_ID = '3853314791062309107';
const schema = `pcs_mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

function child(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, 'fixtures/open-store.ts'), PG_URL, schema],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('concurrent starts on PostgreSQL', () => {
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });

  it('three processes migrating one empty schema at once all succeed, and each migration runs once', async () => {
    // Hold Kysely's migration lock so that all three children provably reach it together, then let go.
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK_ID})`);
    const running = [child(), child(), child()];
    let waiting = 0;
    for (let i = 0; i < 600 && waiting < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await holder.query(
        `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
         where l.locktype = 'advisory' and not l.granted and a.application_name = '' and a.datname = current_database()`,
      );
      waiting = r.rows[0].n;
    }
    expect(waiting).toBeGreaterThanOrEqual(3);
    await holder.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK_ID})`);
    await holder.end();
    const results = await Promise.all(running);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe('5');
    }
    const store = await openStore({ dataDir: '/x', databaseUrl: PG_URL, schema });
    try {
      const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      expect(names.rows.map((r) => r.name)).toEqual([
        '001_core',
        '002_audit',
        '003_extraction',
        '004_limits',
        '005_keywatch',
      ]);
      const tables = await store.db.introspection.getTables();
      expect(tables.filter((t) => t.schema === schema).map((t) => t.name)).toEqual(
        expect.arrayContaining(['tenants', 'api_keys']),
      );
    } finally {
      await store.close();
    }
  }, 180_000);
});
