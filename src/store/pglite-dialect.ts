import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { PGliteSession } from './pglite-thread.js';

/**
 * A Kysely dialect over PGlite (PostgreSQL compiled to WASM, in-process).
 *
 * PGlite is one PostgreSQL session. Two Kysely transactions interleaving their statements on it would see
 * each other's writes and commit each other's work, so the driver hands out its single connection to one
 * holder at a time: a transaction (or `db.connection()`) owns it until released, and plain queries queue
 * behind it. This serialises every database call of the process, which is fine for the embedded shape:
 * the statements are small and PGlite itself runs one at a time anyway.
 */
export interface PGliteDialectConfig {
  /** An open PGlite instance, or PGlite on its own thread (pglite-thread.ts); the driver closes it on `destroy`. */
  pglite: PGliteSession;
}

export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig;
  constructor(config: PGliteDialectConfig) {
    this.#config = config;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#config.pglite);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/**
 * Type parsers that make PGlite return what `pg` returns, so both backends give callers the same values:
 * `pg` returns int8 and numeric as strings (they may not fit a JS number), PGlite as numbers by default.
 */
export const PG_COMPATIBLE_PARSERS = {
  20: (v: string) => v,
  1700: (v: string) => v,
} as const;

class PGliteDriver implements Driver {
  readonly #pglite: PGliteSession;
  readonly #connection: PGliteConnection;
  /** Resolves when the current holder releases the connection; the queue is a promise chain. */
  #tail: Promise<void> = Promise.resolve();
  #destroyed = false;

  constructor(pglite: PGliteSession) {
    this.#pglite = pglite;
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroyed) throw new Error('the PGlite store is closed');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    await previous;
    if (this.#destroyed) {
      release();
      throw new Error('the PGlite store is closed');
    }
    this.#connection.release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let text = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      text = 'start transaction';
      if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) text += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(text));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PGliteConnection;
    const release = c.release;
    c.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    // Wait for the current holder so a closing store never cuts a transaction in half.
    await this.#tail;
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGliteSession;
  release: (() => void) | undefined;

  constructor(pglite: PGliteSession) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters], {
      parsers: PG_COMPATIBLE_PARSERS,
    });
    const command = result.command?.toUpperCase();
    const changes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
    return {
      rows: result.rows ?? [],
      numAffectedRows: changes ? BigInt(result.rowCount ?? result.affectedRows ?? 0) : undefined,
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is refused before the first row
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the PGlite dialect does not stream; select in pages instead');
  }
}
