import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The embedded PostgreSQL (PGlite) on a thread of its own.
 *
 * PGlite runs PostgreSQL as WebAssembly: a query's work runs synchronously on the calling thread. On the
 * gateway's event loop that meant every audit group commit and extraction profile write stalled all
 * requests in flight for its duration (the tail of the added latency). Here PGlite lives in a worker
 * thread and queries cross as messages; the request thread only waits for answers.
 *
 * The worker's code is plain JavaScript (below) so it runs the same from the TypeScript sources (tests)
 * and from the build, with no loader in the worker.
 */

/** The subset of PGlite's API the dialect uses; satisfied by PGlite itself and by `PGliteThread`. */
export interface PGliteSession {
  query<R>(sql: string, params?: unknown[], options?: unknown): Promise<SessionResults<R>>;
  close(): Promise<void>;
  readonly closed: boolean;
  readonly waitReady: Promise<void>;
}

export interface SessionResults<R> {
  rows: R[];
  command?: string;
  rowCount?: number;
  affectedRows?: number;
}

/** A PostgreSQL error carried across the thread boundary with the fields callers read (SQLSTATE `code`). */
export class PGliteThreadError extends Error {
  override readonly name = 'DatabaseError';
  code: string | undefined;
  detail: string | undefined;
  constraint: string | undefined;
  severity: string | undefined;
  table: string | undefined;
  constructor(fields: ErrorFields) {
    super(fields.message);
    this.code = fields.code;
    this.detail = fields.detail;
    this.constraint = fields.constraint;
    this.severity = fields.severity;
    this.table = fields.table;
  }
}

interface ErrorFields {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
  severity?: string;
  table?: string;
}

type Reply =
  | { id: number; ok: true; rows: unknown[]; command?: string; rowCount?: number; affectedRows?: number }
  | { id: number; ok: false; error: ErrorFields };

// int8 and numeric come back as strings, as `pg` returns them (see PG_COMPATIBLE_PARSERS).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const parsers = { 20: (v) => v, 1700: (v) => v };
const fields = (err) => ({
  message: String((err && err.message) || err),
  code: err && typeof err.code === 'string' ? err.code : undefined,
  detail: err && err.detail, constraint: err && err.constraint,
  severity: err && err.severity, table: err && err.table,
});
(async () => {
  let db;
  try {
    db = await PGlite.create(workerData.dataDir, { startParams: [...PGlite.defaultStartParams, ...workerData.extraStartParams] });
  } catch (err) {
    parentPort.postMessage({ id: 0, ok: false, error: fields(err) });
    return;
  }
  parentPort.postMessage({ id: 0, ok: true, rows: [] });
  parentPort.on('message', async (m) => {
    if (m.op === 'close') {
      try { if (!db.closed) await db.close(); parentPort.postMessage({ id: m.id, ok: true, rows: [] }); }
      catch (err) { parentPort.postMessage({ id: m.id, ok: false, error: fields(err) }); }
      return;
    }
    try {
      const r = await db.query(m.sql, m.params, { parsers });
      parentPort.postMessage({ id: m.id, ok: true, rows: r.rows || [], command: r.command,
        rowCount: r.rowCount, affectedRows: r.affectedRows });
    } catch (err) {
      parentPort.postMessage({ id: m.id, ok: false, error: fields(err) });
    }
  });
})();
`;

export class PGliteThread implements PGliteSession {
  readonly waitReady: Promise<void>;
  #worker: Worker;
  #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  #next = 1;
  #closed = false;
  #exited: Error | undefined;

  private constructor(dataDir: string, extraStartParams: string[]) {
    const pglitePath = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglitePath, dataDir, extraStartParams } });
    // The worker keeps the process alive only while a query is waiting for it (see #track).
    this.#worker.unref();
    this.waitReady = new Promise<void>((resolve, reject) => {
      this.#pending.set(0, {
        resolve: (r) => (r.ok ? resolve() : reject(new PGliteThreadError(r.error))),
        reject,
      });
      this.#worker.ref();
    });
    this.#worker.on('message', (r: Reply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (this.#pending.size === 0) this.#worker.unref();
      p.resolve(r);
    });
    const fail = (err: Error) => {
      this.#exited ??= err;
      this.#closed = true;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))));
    this.#worker.on('exit', (code) => fail(new Error(`the embedded database thread exited (code ${code})`)));
  }

  /** Starts the thread and opens the data folder in it; `extraStartParams` follow PGlite's default start parameters. */
  static async create(dataDir: string, extraStartParams: string[] = []): Promise<PGliteThread> {
    const t = new PGliteThread(dataDir, extraStartParams);
    try {
      await t.waitReady;
    } catch (err) {
      await t.#worker.terminate().catch(() => undefined);
      throw err;
    }
    return t;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<SessionResults<R>> {
    const r = await this.#send({ op: 'query', sql, params });
    if (!r.ok) throw new PGliteThreadError(r.error);
    return r as unknown as SessionResults<R>;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      const r = await this.#send({ op: 'close' });
      if (!r.ok) throw new PGliteThreadError(r.error);
    } finally {
      this.#closed = true;
      await this.#worker.terminate().catch(() => undefined);
    }
  }

  #send(msg: { op: 'query'; sql: string; params: unknown[] } | { op: 'close' }): Promise<Reply> {
    if (this.#exited) return Promise.reject(this.#exited);
    if (this.#closed) return Promise.reject(new Error('the PGlite store is closed'));
    const id = this.#next++;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      try {
        this.#worker.postMessage({ id, ...msg });
      } catch (err) {
        // A parameter that cannot be cloned (a function, a class instance with private state).
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#worker.unref();
        reject(err as Error);
      }
    });
  }
}
