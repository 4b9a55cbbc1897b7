import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';

export const PG_URL = process.env.PORTCULLIS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Opens a store on a fresh, empty database (a temp folder, or a new PostgreSQL schema). */
  open(): Promise<Store>;
  /** Does the slow one-time work (PGlite's initdb) so it can run in a hook with a long timeout. */
  prepare(): Promise<void>;
  /** Removes everything `open` created. */
  cleanup(): Promise<void>;
}

/**
 * Creating a PGlite cluster (initdb in WASM) takes seconds; reopening one takes well under one. So each
 * test process migrates one template folder once, and every `open` starts from a copy of it.
 */
let template: Promise<string> | undefined;
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcs-template-'));
    const store = await openStore({ dataDir: dir });
    await store.close();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

export async function freshPgliteDir(): Promise<string> {
  const from = await pgliteTemplate();
  const dir = mkdtempSync(join(tmpdir(), 'pcs-store-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

function pgliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    async prepare() {
      await pgliteTemplate();
    },
    async open() {
      const dir = await freshPgliteDir();
      dirs.push(dir);
      return openStore({ dataDir: dir });
    },
    async cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A schema per open, named so reruns and parallel test files never meet. */
function postgresBackend(): Backend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async prepare() {},
    async open() {
      const schema = `pcs_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      schemas.push(schema);
      return openStore({ dataDir: '/nonexistent', databaseUrl: PG_URL, schema, poolSize: 4 });
    },
    async cleanup() {
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Generous: PGlite's first start (initdb in WASM) has taken over 30 s on a loaded machine. */
export const SLOW_HOOK_MS = 240_000;

export function backends(): Backend[] {
  return [pgliteBackend(), postgresBackend()];
}
