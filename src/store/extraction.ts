/**
 * Persistence of the extraction defence (tables of migration 003). Only this file speaks SQL for it;
 * src/extraction hands it plain values.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema/index.js';

export type AccountStatusValue = 'normal' | 'allowed' | 'confirmed' | 'cleared';
const STATUSES: ReadonlySet<string> = new Set(['normal', 'allowed', 'confirmed', 'cleared']);

export interface ProfileRow {
  account: string;
  node: string;
  tenant: string | null;
  profile: unknown;
  requests: number;
  score: number;
  updatedAt: Date;
}

export interface AccountStateRow {
  account: string;
  tenant: string | null;
  status: AccountStatusValue;
  note: string | null;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface DecisionRow {
  account: string;
  tenant: string | null;
  action: string;
  previous: string;
  score: number;
  reasons: string[];
  cluster: string | null;
  createdAt: Date;
}

function json(v: unknown): unknown {
  // PGlite returns jsonb parsed; a driver configured otherwise may hand back text.
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** Writes this node's profiles in one statement (upsert). */
export async function saveProfiles(
  db: Kysely<Database>,
  rows: readonly Omit<ProfileRow, 'updatedAt'>[],
  now = new Date(),
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('extraction_profiles')
    .values(
      rows.map((r) => ({
        account: r.account,
        node: r.node,
        tenant: r.tenant,
        profile: JSON.stringify(r.profile),
        requests: r.requests,
        score: r.score,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['account', 'node']).doUpdateSet((eb) => ({
        tenant: eb.ref('excluded.tenant'),
        profile: eb.ref('excluded.profile'),
        requests: eb.ref('excluded.requests'),
        score: eb.ref('excluded.score'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Profiles written by other nodes since `since` (all of them without `since`). */
export async function profilesSince(db: Kysely<Database>, exceptNode: string, since?: Date): Promise<ProfileRow[]> {
  let q = db.selectFrom('extraction_profiles').selectAll().where('node', '<>', exceptNode);
  if (since) q = q.where('updated_at', '>', since);
  const rows = await q.orderBy('updated_at').execute();
  return rows.map((r) => ({
    account: r.account,
    node: r.node,
    tenant: r.tenant,
    profile: json(r.profile),
    requests: Number(r.requests),
    score: Number(r.score),
    updatedAt: new Date(r.updated_at),
  }));
}

/** Every node's profile of one account. */
export async function profilesOf(db: Kysely<Database>, account: string): Promise<ProfileRow[]> {
  const rows = await db.selectFrom('extraction_profiles').selectAll().where('account', '=', account).execute();
  return rows.map((r) => ({
    account: r.account,
    node: r.node,
    tenant: r.tenant,
    profile: json(r.profile),
    requests: Number(r.requests),
    score: Number(r.score),
    updatedAt: new Date(r.updated_at),
  }));
}

/** Forgets an account's profiles on every node (operator `clear`). */
export async function deleteProfiles(db: Kysely<Database>, account: string): Promise<void> {
  await db.deleteFrom('extraction_profiles').where('account', '=', account).execute();
}

export async function setAccountState(
  db: Kysely<Database>,
  s: {
    account: string;
    tenant: string | null;
    status: AccountStatusValue;
    note?: string | null;
    updatedBy?: string | null;
  },
  now = new Date(),
): Promise<void> {
  if (!STATUSES.has(s.status)) throw new TypeError(`unknown account status "${s.status}"`);
  const row = {
    account: s.account,
    tenant: s.tenant,
    status: s.status,
    note: s.note ?? null,
    updated_by: s.updatedBy ?? null,
    updated_at: now,
  };
  await db
    .insertInto('extraction_accounts')
    .values(row)
    .onConflict((oc) =>
      oc.column('account').doUpdateSet({
        tenant: row.tenant,
        status: row.status,
        note: row.note,
        updated_by: row.updated_by,
        updated_at: now,
      }),
    )
    .execute();
}

/** Operator judgements changed since `since` (all without it). Rows with an unknown status are skipped. */
export async function accountStatesSince(db: Kysely<Database>, since?: Date): Promise<AccountStateRow[]> {
  let q = db.selectFrom('extraction_accounts').selectAll();
  if (since) q = q.where('updated_at', '>', since);
  const rows = await q.orderBy('updated_at').execute();
  const out: AccountStateRow[] = [];
  for (const r of rows) {
    if (!STATUSES.has(r.status)) continue;
    out.push({
      account: r.account,
      tenant: r.tenant,
      status: r.status as AccountStatusValue,
      note: r.note,
      updatedBy: r.updated_by,
      updatedAt: new Date(r.updated_at),
    });
  }
  return out;
}

export async function recordDecisions(db: Kysely<Database>, rows: readonly DecisionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('extraction_decisions')
    .values(
      rows.map((d) => ({
        account: d.account,
        tenant: d.tenant,
        action: d.action,
        previous: d.previous,
        score: d.score,
        reasons: JSON.stringify(d.reasons),
        cluster: d.cluster,
        created_at: d.createdAt,
      })),
    )
    .execute();
}

export async function decisionsOf(db: Kysely<Database>, account: string, limit = 100): Promise<DecisionRow[]> {
  const rows = await db
    .selectFrom('extraction_decisions')
    .selectAll()
    .where('account', '=', account)
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.min(limit, 1000)))
    .execute();
  return rows.map((r) => ({
    account: r.account,
    tenant: r.tenant,
    action: r.action,
    previous: r.previous,
    score: Number(r.score),
    reasons: json(r.reasons) as string[],
    cluster: r.cluster,
    createdAt: new Date(r.created_at),
  }));
}
