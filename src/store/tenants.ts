import type { Kysely } from 'kysely';
import { PortcullisError } from '../core/errors.js';
import { sqlState, UNIQUE_VIOLATION } from './errors.js';
import type { TenantRow } from './schema/core.js';
import type { Database } from './schema/index.js';

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A tenant as the admin API and the CLI show it. */
export interface TenantView {
  id: string;
  name: string | null;
  created_at: string;
  disabled_at: string | null;
}

export function tenantView(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    created_at: toDate(row.created_at).toISOString(),
    disabled_at: row.disabled_at ? toDate(row.disabled_at).toISOString() : null,
  };
}

function assertTenantId(id: string): void {
  if (!TENANT_ID_PATTERN.test(id)) {
    throw new PortcullisError(
      'PCX_INVALID_REQUEST',
      'a tenant id is 1-63 of a-z 0-9 _ -, starting with a letter or digit',
      {
        param: 'id',
      },
    );
  }
}

export async function createTenant(
  db: Kysely<Database>,
  input: { id: string; name?: string | null },
  now = new Date(),
): Promise<TenantRow> {
  assertTenantId(input.id);
  try {
    return await db
      .insertInto('tenants')
      .values({ id: input.id, name: input.name ?? null, created_at: now, disabled_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) {
      throw new PortcullisError('PCX_CONFLICT', `tenant "${input.id}" already exists`, { param: 'id' });
    }
    throw err;
  }
}

export async function listTenants(db: Kysely<Database>): Promise<TenantRow[]> {
  return db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** The tenant, or undefined; ids that cannot exist are answered without a query. */
export async function findTenant(db: Kysely<Database>, id: string): Promise<TenantRow | undefined> {
  if (!TENANT_ID_PATTERN.test(id)) return undefined;
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getTenant(db: Kysely<Database>, id: string): Promise<TenantRow> {
  const row = await findTenant(db, id);
  if (!row) throw new PortcullisError('PCX_NOT_FOUND', `no tenant "${printable(id)}"`);
  return row;
}

/**
 * Disables a tenant: its keys stop working (within the key cache's TTL). Tenants are kept, not deleted,
 * because audit records and extraction profiles refer to them. Disabling twice keeps the first time.
 */
export async function disableTenant(db: Kysely<Database>, id: string, now = new Date()): Promise<TenantRow> {
  const row = await getTenant(db, id);
  if (row.disabled_at) return row;
  return db
    .updateTable('tenants')
    .set({ disabled_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** pg returns Date for timestamptz; a string can only appear if a caller bypasses the parsers. */
export function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}

/** An attacker-supplied id, cut and stripped of control characters before it goes into a message. */
export function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
