import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, type Migration, PostgresDialect, sql } from 'kysely';
import { StoreError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import { type PGliteSession, PGliteThread } from './pglite-thread.js';
import type { Database } from './schema/index.js';

export interface Store {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Embedded data folder; PGlite keeps its files in `<dataDir>/pgdata`. */
  dataDir: string;
  /** postgres://… selects PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  /** PostgreSQL only: the schema to use (created if missing). Default `public`. Lets tests and tenants of one server stay apart. */
  schema?: string;
  /** PostgreSQL only: pool size. */
  poolSize?: number;
  /** Defaults to every migration; tests may pass a subset. */
  migrations?: Record<string, Migration>;
  /**
   * Embedded only: run PGlite on a worker thread (default) or on the calling thread (`main`). The default
   * keeps the database's WebAssembly work off the request thread; `PORTCULLIS_PGLITE_THREAD=main` selects
   * the other for comparison.
   */
  pgliteThread?: 'worker' | 'main';
  /** PostgreSQL only: errors of idle pooled connections (server restart, network), which would otherwise crash the process. */
  onPoolError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL settings for the embedded database. PGlite starts with PostgreSQL's server defaults
 * (shared_buffers 128 MB, wal_buffers 4 MB, 100 connection slots) and touches all of that shared memory
 * at start, which made it most of the gateway's resident memory. The embedded store holds keys, tenants,
 * the audit chain and extraction profiles: small tables, one backend. Measured on open + 5,000 inserts
 * (docs/benchmarks.md): 350 MB RSS with the defaults, 230 MB with these.
 */
export const PGLITE_LEAN_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  'wal_buffers=512kB',
  'max_connections=4',
  'max_wal_senders=0',
  'max_replication_slots=0',
];
const LOCK_FILE = 'pglite.lock';

/**
 * Opens the database and brings it up to date.
 *
 * Embedded (no `databaseUrl`): PGlite in `<dataDir>/pgdata`. That folder belongs to ONE process: PGlite is
 * a single PostgreSQL backend inside this process, and two processes writing the same files corrupt them.
 * `<dataDir>/pglite.lock` (holding the owner's pid) makes a second opener fail with STORE_LOCKED instead;
 * a lock left by a dead process is taken over. To share a database between processes use PostgreSQL.
 *
 * PostgreSQL: a `pg.Pool`; migrations are safe under concurrent starts (see migrate.ts).
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  if (opts.databaseUrl) return openPostgres(opts, opts.databaseUrl);
  return openPGlite(opts);
}

async function openPostgres(opts: OpenStoreOptions, url: string): Promise<Store> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError('STORE_BAD_OPTION', `schema "${schema}" is not a plain lower-case identifier`);
  }
  // Each backend's driver is loaded only when it is used: a gateway holds one of the two in memory.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // Every pooled session resolves unqualified table names in the chosen schema.
    options: `-c search_path=${schema}`,
  });
  pool.on('error', (err) => opts.onPoolError?.(err));
  // A connection that dies while a query holds it emits 'error' on its client, which the pool does not
  // listen to: unhandled, it would end the process. The query itself still fails and is retried by its owner.
  pool.on('connect', (client) => client.on('error', (err) => opts.onPoolError?.(err)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Connect first, so an unreachable server is reported as such rather than as a failed migration.
    await sql`select 1`.execute(db);
    await migrateToLatest(db as unknown as Kysely<unknown>, { schema, migrations: opts.migrations });
  } catch (err) {
    await db.destroy().catch(() => {});
    throw wrapOpenError(err, `PostgreSQL at ${redactUrl(url)}`);
  }
  return { db, kind: 'postgres', close: once(() => db.destroy()) };
}

async function openPGlite(opts: OpenStoreOptions): Promise<Store> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = takeDataDirLock(opts.dataDir);
  let db: Kysely<Database> | undefined;
  try {
    const pgdata = join(opts.dataDir, 'pgdata');
    const lean = PGLITE_LEAN_SETTINGS.flatMap((s) => ['-c', s]);
    const thread = opts.pgliteThread ?? (process.env.PORTCULLIS_PGLITE_THREAD === 'main' ? 'main' : 'worker');
    let pglite: PGliteSession;
    if (thread === 'main') {
      const { PGlite } = await import('@electric-sql/pglite');
      pglite = await PGlite.create(pgdata, { startParams: [...PGlite.defaultStartParams, ...lean] });
    } else {
      pglite = await PGliteThread.create(pgdata, lean);
    }
    db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    await migrateToLatest(db as unknown as Kysely<unknown>, { schema: 'public', migrations: opts.migrations });
  } catch (err) {
    await db?.destroy().catch(() => {});
    releaseLock();
    throw wrapOpenError(err, `PGlite in ${opts.dataDir}`);
  }
  const opened = db;
  return {
    db: opened,
    kind: 'pglite',
    close: once(async () => {
      try {
        await opened.destroy();
      } finally {
        releaseLock();
      }
    }),
  };
}

/** Closes a store, ignoring errors: for shutdown paths and `finally` blocks that must not throw. */
export async function closeQuietly(store: Store | undefined): Promise<void> {
  if (!store) return;
  try {
    await store.close();
  } catch {
    // Nothing useful to do with a failure to close at shutdown.
  }
}

const heldLocks = new Set<string>();

function takeDataDirLock(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  if (heldLocks.has(path)) {
    throw new StoreError('STORE_LOCKED', `the data folder ${dataDir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('STORE_OPEN_FAILED', `cannot create ${path}: ${(err as Error).message}`, { cause: err });
      }
      const owner = Number.parseInt(readFileSafe(path), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new StoreError(
          'STORE_LOCKED',
          `the data folder ${dataDir} is in use by process ${owner}; an embedded database serves one process ` +
            '(use the admin API of the running gateway, or PostgreSQL to share)',
        );
      }
      // The owner is gone (or is a previous run of this pid): the lock is stale.
      rmSync(path, { force: true });
    }
  }
  throw new StoreError('STORE_LOCKED', `cannot take the lock ${path}`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function wrapOpenError(err: unknown, where: string): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError('STORE_OPEN_FAILED', `cannot open ${where}: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}

/** Drops the password from a connection string before it reaches a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
