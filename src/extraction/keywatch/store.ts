/**
 * Persistence of the stolen-key watch (table of migration 005): one row per watched key, shared by every
 * gateway process and read again at start. Written in batches off the request path (the defence's
 * periodic sync), never per request. The table is declared here, not in the store's schema, because only
 * this file speaks SQL for it.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { KeyRecord } from './watch.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

interface KeywatchTables {
  keywatch_keys: {
    id: string;
    account: string;
    /** The process that wrote the row last. */
    node: string;
    flagged: boolean;
    requests: number;
    /** KeyState JSON, written as text so `pg` never turns arrays into PostgreSQL arrays. */
    state: ColumnType<unknown, string, string>;
    updated_at: Timestamp;
  };
}

export interface KeyStateRow {
  id: string;
  account: string;
  node: string;
  flagged: boolean;
  requests: number;
  state: unknown;
  updatedAt: Date;
}

/** Rows per INSERT: 7 parameters each, far under PostgreSQL's 65 535. */
const BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: any store's Kysely, whatever its declared tables.
const kw = (db: Kysely<any>) => db as unknown as Kysely<KeywatchTables>;

function parse(v: unknown): unknown {
  // PGlite returns jsonb parsed; a driver configured otherwise may hand back text.
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/**
 * Writes this process's changed keys (upsert by key). A state without a flag never overwrites a
 * flagged one: a process that has not yet heard of another's flag cannot erase it (an operator's
 * `clear` deletes the rows instead).
 */
// biome-ignore lint/suspicious/noExplicitAny: see `kw`.
export async function saveKeyStates(db: Kysely<any>, node: string, rows: readonly KeyRecord[], now = new Date()) {
  for (let i = 0; i < rows.length; i += BATCH) {
    await kw(db)
      .insertInto('keywatch_keys')
      .values(
        rows.slice(i, i + BATCH).map((r) => ({
          id: r.id,
          account: r.account,
          node,
          flagged: r.flagged,
          requests: r.requests,
          state: JSON.stringify(r.state),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            account: eb.ref('excluded.account'),
            node: eb.ref('excluded.node'),
            flagged: eb.ref('excluded.flagged'),
            requests: eb.ref('excluded.requests'),
            state: eb.ref('excluded.state'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where((eb) => eb.or([eb('excluded.flagged', '=', true), eb('keywatch_keys.flagged', '=', false)])),
      )
      .execute();
  }
}

/**
 * Keys written since `since` by processes other than `exceptNode` (at start: every key, whoever wrote
 * it, so a restarted process with the same name gets its own keys back).
 */
export async function keyStatesSince(
  // biome-ignore lint/suspicious/noExplicitAny: see `kw`.
  db: Kysely<any>,
  opts: { exceptNode?: string; since?: Date } = {},
): Promise<KeyStateRow[]> {
  let q = kw(db).selectFrom('keywatch_keys').selectAll();
  if (opts.exceptNode !== undefined) q = q.where('node', '<>', opts.exceptNode);
  if (opts.since) q = q.where('updated_at', '>', opts.since);
  const rows = await q.orderBy('updated_at').execute();
  return rows.map((r) => ({
    id: r.id,
    account: r.account,
    node: r.node,
    flagged: Boolean(r.flagged),
    requests: Number(r.requests),
    state: parse(r.state),
    updatedAt: new Date(r.updated_at),
  }));
}

/** Forgets every key of an account (operator `clear`). */
// biome-ignore lint/suspicious/noExplicitAny: see `kw`.
export async function deleteKeyStates(db: Kysely<any>, account: string): Promise<void> {
  await kw(db).deleteFrom('keywatch_keys').where('account', '=', account).execute();
}
