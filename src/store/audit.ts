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

export interface AuditRowIn {
  uid: string;
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
 * Appends a batch in one transaction under the append lock. Rows whose uid is already stored (a journal
 * replayed twice, or replayed by two processes) are skipped. `plan` receives the current head and the
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
    const uids = rows.map((r) => r.uid);
    const seen = new Set<string>();
    if (uids.length > 0) {
      const dup = await sql<{ uid: string }>`select uid from audit_entries where uid = any(${uids}::text[])`.execute(
        trx,
      );
      for (const r of dup.rows) seen.add(r.uid);
    }
    // A uid may also repeat inside one batch when a journal is read twice; keep the first.
    const fresh: AuditRowIn[] = [];
    for (const r of rows) {
      if (seen.has(r.uid)) continue;
      seen.add(r.uid);
      fresh.push(r);
    }
    const head = await readAuditHead(trx);
    if (fresh.length === 0) return { ...head, appended: 0 };
    const next = plan(head, fresh);
    const seqs = fresh.map((_, i) => head.size + i);
    await sql`insert into audit_entries (seq, uid, time_ms, tenant, type, leaf, leaf_hash)
      select s, u, t, tn, ty, l, decode(h, 'hex')
      from unnest(${seqs}::bigint[], ${fresh.map((r) => r.uid)}::text[],
                  ${fresh.map((r) => r.timeMs)}::bigint[], ${fresh.map((r) => r.tenant)}::text[],
                  ${fresh.map((r) => r.type)}::text[], ${next.leaves}::text[],
                  ${next.hashes.map((h) => h.toString('hex'))}::text[]) as x(s, u, t, tn, ty, l, h)`.execute(trx);
    await sql`insert into audit_head (id, size, frontier, root) values (1, ${next.head.size}, ${next.head.frontier}, ${next.head.root})
      on conflict (id) do update set size = excluded.size, frontier = excluded.frontier, root = excluded.root`.execute(
      trx,
    );
    return { ...next.head, appended: fresh.length };
  });
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
      .where('seq', '<', size)
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
