import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { sqlState, UNIQUE_VIOLATION } from '../../src/store/errors.js';
import { PGliteThread } from '../../src/store/pglite-thread.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pcx-pgthread-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function roundTrip(store: Store) {
  await sql`create table t (id int primary key, b bytea, j jsonb, n int8, at timestamptz)`.execute(store.db);
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const at = new Date('2026-11-24T01:02:03.004Z');
  await sql`insert into t values (1, ${bytes}, ${JSON.stringify({ a: [1, 'x'] })}::jsonb, 9007199254740993, ${at})`.execute(
    store.db,
  );
  const r = await sql<{ b: Uint8Array; j: unknown; n: unknown; at: Date }>`select b, j, n, at from t`.execute(store.db);
  const row = r.rows[0]!;
  return { b: [...row.b], j: row.j, n: row.n, at: row.at.toISOString() };
}

describe('PGlite on its own thread', { timeout: 120_000 }, () => {
  it('gives the same values as PGlite on the calling thread (bytea, jsonb, int8 as text, timestamps)', async () => {
    const worker = await openStore({ dataDir: fresh(), pgliteThread: 'worker' });
    const main = await openStore({ dataDir: fresh(), pgliteThread: 'main' });
    try {
      const a = await roundTrip(worker);
      const b = await roundTrip(main);
      expect(a).toEqual(b);
      expect(a).toEqual({
        b: [0, 1, 2, 250, 255],
        j: { a: [1, 'x'] },
        n: '9007199254740993',
        at: '2026-11-24T01:02:03.004Z',
      });
    } finally {
      await worker.close();
      await main.close();
    }
  });

  it('carries the SQLSTATE of a failed statement across, and a transaction still rolls back', async () => {
    const store = await openStore({ dataDir: fresh(), pgliteThread: 'worker' });
    try {
      await sql`create table u (k text primary key)`.execute(store.db);
      await sql`insert into u values ('a')`.execute(store.db);
      const err = await sql`insert into u values ('a')`.execute(store.db).catch((e: unknown) => e);
      expect(sqlState(err)).toBe(UNIQUE_VIOLATION);
      expect((err as Error).message).toMatch(/duplicate key/);
      await store.db
        .transaction()
        .execute(async (tx) => {
          await sql`insert into u values ('b')`.execute(tx);
          await sql`insert into u values ('a')`.execute(tx);
        })
        .catch(() => undefined);
      const r = await sql<{ k: string }>`select k from u order by k`.execute(store.db);
      expect(r.rows.map((x) => x.k)).toEqual(['a']);
    } finally {
      await store.close();
    }
  });

  it('refuses queries once closed, and a parameter that cannot cross threads fails that query only', async () => {
    const t = await PGliteThread.create(join(fresh(), 'pgdata'));
    const bad = await t.query('select $1::text as v', [() => 1]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    const ok = await t.query<{ v: string }>('select $1::text as v', ['still here']);
    expect(ok.rows).toEqual([{ v: 'still here' }]);
    await t.close();
    expect(t.closed).toBe(true);
    await expect(t.query('select 1')).rejects.toThrow(/closed|exited/);
  });

  it('reports a data folder it cannot open as an open failure', async () => {
    const file = join(fresh(), 'not-a-dir');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'x'));
    await expect(PGliteThread.create(join(file, 'pgdata'))).rejects.toThrow();
  });
});
