import { type Kysely, sql } from 'kysely';
import type { Database } from './schema/index.js';

/**
 * SQL of the audit log (tables in migrations/002_audit.ts). Appends are serialised across every process
 * sharing the database by a transaction-scoped advisory lock: the writer holding it reads the tree head,
 * appends its batch after it and writes the new head in the same transaction, so several gateways
 * produce one linear log. The lock is held for one batch insert, not per request (group commit).
 */

/** pg_advisory_xact_lock key of the audit appender ('PCAU'). */
export const AUDIT_APPEND_LOCK = 0x50434155;

type Db = Kysely<Database>;

/** Rows per INSERT: 6 parameters each, under PostgreSQL's 65,535-parameter limit. */
const INSERT_CHUNK = 1000;

export interface AuditRowIn {
  /** The journal the record came from, and its position there (increasing). */
  source: string;
  counter: number;
  timeMs: number;
  tenant: string | null;
  type: string;
  /** The entry's canonical JSON (without its index). */
  entryJson: string;
}

export interface AuditKeyRow {
  id: string;
  tenant: string;
  subject: string | null;
  kekId: string;
  wrapped: Buffer | null;
  createdMs: number;
  destroyedMs: number | null;
}

export interface AuditHead {
  size: number;
  frontier: Buffer;
  root: Buffer;
}

export interface StoredEntry {
  seq: number;
  leaf: string;
  leafHash: Buffer;
}

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  note: string;
  createdMs: number;
}

/** The tree extension computed by the log (merkle code stays out of the store). */
export interface AppendPlan {
  leaves: string[];
  hashes: Buffer[];
  head: AuditHead;
}

const bytes = (v: Uint8Array | null | undefined): Buffer =>
  v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.alloc(0);

export async function readAuditHead(db: Db): Promise<AuditHead> {
  const row = await db
    .selectFrom('audit_head')
    .select(['size', 'frontier', 'root'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!row) return { size: 0, frontier: Buffer.alloc(0), root: Buffer.alloc(0) };
  return { size: Number(row.size), frontier: bytes(row.frontier), root: bytes(row.root) };
}

/**
 * Appends a batch in one transaction under the append lock. Records a journal already committed (a
 * journal replayed twice, or by two processes) are skipped. `plan` receives the current head and the
 * rows to append and returns their leaves, hashes and the new head.
 */
export async function appendAuditBatch(
  db: Db,
  keys: readonly AuditKeyRow[],
  rows: readonly AuditRowIn[],
  plan: (head: AuditHead, fresh: readonly AuditRowIn[]) => AppendPlan,
): Promise<AuditHead & { appended: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`.execute(trx);
    if (keys.length > 0) await insertAuditKeys(trx, keys);
    // Skip what an earlier commit of the same journal already appended (a replay after a crash that
    // came between the database commit and the journal's committed-offset write).
    const sources = [...new Set(rows.map((r) => r.source))];
    const marks = new Map<string, number>();
    if (sources.length > 0) {
      const m = await sql<{ source: string; counter: string }>`select source, counter from audit_journal_marks
        where source = any(${sources}::text[])`.execute(trx);
      for (const r of m.rows) marks.set(r.source, Number(r.counter));
    }
    const fresh = rows.filter((r) => r.counter > (marks.get(r.source) ?? -1));
    const head = await readAuditHead(trx);
    if (fresh.length === 0) return { ...head, appended: 0 };
    const next = plan(head, fresh);
    await insertEntries(trx, head.size, fresh, next);
    const last = new Map<string, number>();
    for (const r of fresh) last.set(r.source, Math.max(last.get(r.source) ?? -1, r.counter));
    for (const [source, counter] of last) {
      await sql`insert into audit_journal_marks (source, counter) values (${source}, ${counter})
        on conflict (source) do update set counter = greatest(audit_journal_marks.counter, excluded.counter)`.execute(
        trx,
      );
    }
    await sql`insert into audit_head (id, size, frontier, root) values (1, ${next.head.size}, ${next.head.frontier}, ${next.head.root})
      on conflict (id) do update set size = excluded.size, frontier = excluded.frontier, root = excluded.root`.execute(
      trx,
    );
    return { ...next.head, appended: fresh.length };
  });
}

/** Separates leaves in the one text parameter of a batch insert: canonical JSON never holds a raw control character. */
const LEAF_SEPARATOR = '\x1e';

/**
 * Inserts a batch with five parameters whatever its size: the leaves joined by LEAF_SEPARATOR (split by
 * the server), the leaf hashes concatenated in one bytea, and the small columns as arrays. One parameter
 * per value (multi-row VALUES) made the client build and the server parse a bind message of thousands of
 * parameters per 1,000 rows; array literals of the leaves themselves would escape every quote of the JSON.
 */
async function insertEntries(trx: Db, first: number, fresh: readonly AuditRowIn[], next: AppendPlan): Promise<void> {
  if (next.leaves.some((l) => l.includes(LEAF_SEPARATOR))) return insertEntriesByValues(trx, first, fresh, next);
  const times: string[] = new Array(fresh.length);
  const tenants: Array<string | null> = new Array(fresh.length);
  const types: string[] = new Array(fresh.length);
  for (let i = 0; i < fresh.length; i++) {
    const r = fresh[i]!;
    times[i] = String(r.timeMs);
    tenants[i] = r.tenant;
    types[i] = r.type;
  }
  await sql`insert into audit_entries (seq, time_ms, tenant, type, leaf, leaf_hash)
    select ${first}::bigint + t.i - 1, t.time_ms, t.tenant, t.type, t.leaf,
      substring(${Buffer.concat(next.hashes)}::bytea from ((t.i - 1) * 32 + 1)::int for 32)
    from unnest(${times}::bigint[], ${tenants}::text[], ${types}::text[],
      string_to_array(${next.leaves.join(LEAF_SEPARATOR)}::text, ${LEAF_SEPARATOR}::text))
      with ordinality as t(time_ms, tenant, type, leaf, i)`.execute(trx);
}

/** Multi-row VALUES, one parameter per value: for a batch whose leaves hold the separator (none do today). */
async function insertEntriesByValues(
  trx: Db,
  first: number,
  fresh: readonly AuditRowIn[],
  next: AppendPlan,
): Promise<void> {
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const values = [];
    for (let j = i; j < Math.min(fresh.length, i + INSERT_CHUNK); j++) {
      const r = fresh[j]!;
      values.push({
        seq: first + j,
        time_ms: r.timeMs,
        tenant: r.tenant,
        type: r.type,
        leaf: next.leaves[j]!,
        leaf_hash: next.hashes[j]!,
      });
    }
    await trx.insertInto('audit_entries').values(values).execute();
  }
}

/** Entries with seq in [from, to), in order, at most `limit`. */
export async function readAuditEntries(db: Db, from: number, to: number, limit: number): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .select(['seq', 'leaf', 'leaf_hash'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), leaf: r.leaf, leafHash: bytes(r.leaf_hash) }));
}

/** Up to `limit` consecutive entries from `from` on, in one row: see readAuditPage. */
export interface AuditPage {
  /** seq of the first entry (0 when the page is empty). */
  from: number;
  leaves: string[];
  /** The stored leaf hashes, 32 bytes each, in order. */
  hashes: Buffer;
}

/**
 * Entries with seq in [from, to) aggregated by the server into one row: the leaves joined by
 * LEAF_SEPARATOR, the hashes concatenated and the seqs as text. One row of a few megabytes is far
 * cheaper to send and decode than thousands of rows (no per-row protocol message, object or hex-decoded
 * bytea). The aggregates have no ORDER BY (an ordered aggregate sorts, on disk past work_mem): they take
 * the rows in the scan's physical order, which for this append-only table is seq order, and the seqs
 * returned prove it. Returns no page when the window is not exactly the consecutive entries from..to-1
 * in order with leaves that split cleanly (a gap, rows moved, a leaf holding the separator, e.g. after
 * tampering): the caller then reads that window row by row in seq order, which names the exact entry.
 */
export async function readAuditPage(db: Db, from: number, to: number): Promise<{ page?: AuditPage; rows: number }> {
  const r = await sql<{
    n: number;
    seqs: string | null;
    leaves: string | null;
    hashes: Uint8Array | null;
    hash_bytes: number | null;
  }>`select count(*)::int as n, string_agg(seq::text, ',') as seqs,
      string_agg(leaf, ${LEAF_SEPARATOR}::text) as leaves,
      string_agg(leaf_hash, ''::bytea) as hashes,
      sum(octet_length(leaf_hash))::int as hash_bytes
    from audit_entries where seq >= ${from} and seq < ${to}`.execute(db);
  const row = r.rows[0];
  if (!row || row.n === 0) return { rows: 0 };
  const n = row.n;
  if (n !== to - from || row.seqs === null || row.leaves === null || row.hash_bytes !== n * 32) return { rows: n };
  const seqs = row.seqs.split(',');
  for (let i = 0; i < n; i++) if (Number(seqs[i]) !== from + i) return { rows: n };
  const leaves = row.leaves.split(LEAF_SEPARATOR);
  // Each row gives at least one piece: n pieces exactly means no leaf held the separator.
  if (leaves.length !== n) return { rows: n };
  return { page: { from, leaves, hashes: bytes(row.hashes) }, rows: n };
}

/**
 * One past the largest stored seq (0 when empty): the end for paging. Pages are bounded windows of seq
 * ([from, from + page)), never `seq >= from order by seq limit k`: without fresh statistics the planner
 * sorted everything after `from` for every page of that form (quadratic on a freshly filled log).
 */
export async function readAuditEnd(db: Db): Promise<number> {
  const r = await sql<{ hi: string | null }>`select max(seq) as hi from audit_entries`.execute(db);
  const hi = r.rows[0]?.hi;
  return hi === null || hi === undefined ? 0 : Number(hi) + 1;
}

/** Index range [from, to) of entries recorded in [fromMs, toMs). */
export async function auditSeqRangeForTime(
  db: Db,
  fromMs: number,
  toMs: number,
): Promise<{ from: number; to: number }> {
  const r = await sql<{ lo: string | null; hi: string | null }>`select min(seq) as lo, max(seq) as hi from audit_entries
    where time_ms >= ${fromMs} and time_ms < ${toMs}`.execute(db);
  const row = r.rows[0];
  if (!row || row.lo === null || row.hi === null) return { from: 0, to: 0 };
  return { from: Number(row.lo), to: Number(row.hi) + 1 };
}

/** Leaf hashes of the first `size` entries, for proofs. */
export async function readAuditLeafHashes(db: Db, size: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const page = 50_000;
  while (out.length < size) {
    const rows = await db
      .selectFrom('audit_entries')
      .select(['seq', 'leaf_hash'])
      .where('seq', '>=', out.length)
      .where('seq', '<', Math.min(size, out.length + page))
      .orderBy('seq')
      .limit(page)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (Number(r.seq) !== out.length) return out;
      out.push(bytes(r.leaf_hash));
    }
  }
  return out;
}

export async function insertAuditCheckpoint(db: Db, cp: StoredCheckpoint): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({ size: cp.size, root: cp.root, note: cp.note, created_ms: cp.createdMs })
    .onConflict((oc) => oc.column('size').doNothing())
    .execute();
}

export async function listAuditCheckpoints(db: Db): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute();
  return rows.map((r) => ({
    size: Number(r.size),
    root: bytes(r.root),
    note: r.note,
    createdMs: Number(r.created_ms),
  }));
}

export async function latestAuditCheckpoint(db: Db): Promise<StoredCheckpoint | undefined> {
  const r = await db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return r && { size: Number(r.size), root: bytes(r.root), note: r.note, createdMs: Number(r.created_ms) };
}

/** Never overwrites: a destroyed key must not come back because a journal still held its wrapped copy. */
export async function insertAuditKeys(db: Db, keys: readonly AuditKeyRow[]): Promise<void> {
  await db
    .insertInto('audit_keys')
    .values(
      keys.map((k) => ({
        id: k.id,
        tenant: k.tenant,
        subject: k.subject,
        kek_id: k.kekId,
        wrapped: k.wrapped,
        created_ms: k.createdMs,
        destroyed_ms: k.destroyedMs,
        destroyed_reason: null,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

function toKeyRow(r: {
  id: string;
  tenant: string;
  subject: string | null;
  kek_id: string;
  wrapped: Uint8Array | null;
  created_ms: unknown;
  destroyed_ms: unknown;
}): AuditKeyRow {
  return {
    id: r.id,
    tenant: r.tenant,
    subject: r.subject,
    kekId: r.kek_id,
    wrapped: r.wrapped ? bytes(r.wrapped) : null,
    createdMs: Number(r.created_ms),
    destroyedMs: r.destroyed_ms === null ? null : Number(r.destroyed_ms),
  };
}

export async function getAuditKeys(db: Db, ids: readonly string[]): Promise<AuditKeyRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('audit_keys').selectAll().where('id', 'in', ids).execute();
  return rows.map(toKeyRow);
}

/** Live (not destroyed) keys, for re-wrapping under a new KEK. */
export async function listLiveAuditKeys(db: Db): Promise<AuditKeyRow[]> {
  const rows = await db.selectFrom('audit_keys').selectAll().where('wrapped', 'is not', null).orderBy('id').execute();
  return rows.map(toKeyRow);
}

export async function rewrapAuditKey(db: Db, id: string, kekId: string, wrapped: Buffer): Promise<void> {
  await db
    .updateTable('audit_keys')
    .set({ kek_id: kekId, wrapped })
    .where('id', '=', id)
    .where('wrapped', 'is not', null)
    .execute();
}

/**
 * Crypto-shredding: forgets the wrapped key material of every matching key. `subject` undefined = every
 * key of the tenant (its own and its subjects'). Returns the ids destroyed.
 */
export async function destroyAuditKeys(
  db: Db,
  where: { tenant?: string; subject?: string; createdBefore?: number },
  reason: string,
  nowMs: number,
): Promise<string[]> {
  let q = db
    .updateTable('audit_keys')
    .set({ wrapped: null, destroyed_ms: nowMs, destroyed_reason: reason })
    .where('wrapped', 'is not', null);
  if (where.tenant !== undefined) q = q.where('tenant', '=', where.tenant);
  if (where.subject !== undefined) q = q.where('subject', '=', where.subject);
  if (where.createdBefore !== undefined) q = q.where('created_ms', '<', where.createdBefore);
  const rows = await q.returning('id').execute();
  return rows.map((r) => r.id).sort();
}
