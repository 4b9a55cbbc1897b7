import type { Kysely } from 'kysely';
import { displayPrefix, generateApiKey, generateKeyId, hashApiKey, KEY_ID_PATTERN } from '../auth/api-key.js';
import { PortcullisError } from '../core/errors.js';
import type { ApiKeyRow } from './schema/core.js';
import type { Database } from './schema/index.js';
import { getTenant, printable, toDate } from './tenants.js';

export type KeyStatus = 'active' | 'expired' | 'revoked' | 'rotated';

/** A key as the admin API and the CLI show it: never the key or its hash. */
export interface KeyView {
  id: string;
  tenant: string;
  prefix: string;
  name: string | null;
  models: string[] | null;
  status: KeyStatus;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  replaced_by: string | null;
  grace_until: string | null;
}

const iso = (v: Date | string | null): string | null => (v ? toDate(v).toISOString() : null);

/** Why a key no longer works at `now`, or `active`. Revocation wins over rotation, rotation over expiry. */
export function keyStatus(row: ApiKeyRow, now: number): KeyStatus {
  if (row.revoked_at && toDate(row.revoked_at).getTime() <= now) return 'revoked';
  if (row.grace_until && toDate(row.grace_until).getTime() <= now) return 'rotated';
  if (row.expires_at && toDate(row.expires_at).getTime() <= now) return 'expired';
  return 'active';
}

export function keyView(row: ApiKeyRow, now = Date.now()): KeyView {
  return {
    id: row.id,
    tenant: row.tenant_id,
    prefix: row.prefix,
    name: row.name,
    models: row.models,
    status: keyStatus(row, now),
    created_at: toDate(row.created_at).toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
    replaced_by: row.replaced_by,
    grace_until: iso(row.grace_until),
  };
}

export interface NewKeyInput {
  tenant: string;
  models?: string[] | null;
  expiresAt?: Date | null;
  name?: string | null;
}

export interface IssuedKey {
  row: ApiKeyRow;
  /** The key itself: returned once, here, and never stored. */
  key: string;
}

/**
 * `models` goes in as JSON text: `pg` would send a JS array as a PostgreSQL array literal (`{a,b}`), which
 * jsonb rejects; text is cast to jsonb by the server the same way on both backends.
 */
function modelsParam(models: string[] | null | undefined): string | null {
  return models == null ? null : JSON.stringify(models);
}

export async function createKey(db: Kysely<Database>, input: NewKeyInput, now = new Date()): Promise<IssuedKey> {
  return db.transaction().execute(async (trx) => {
    const tenant = await getTenant(trx, input.tenant);
    if (tenant.disabled_at) {
      throw new PortcullisError('PCX_CONFLICT', `tenant "${tenant.id}" is disabled`, { param: 'tenant' });
    }
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new PortcullisError('PCX_INVALID_REQUEST', 'expires_at is in the past', { param: 'expires_at' });
    }
    return insertKey(trx, {
      tenant: tenant.id,
      models: input.models ?? null,
      expiresAt: input.expiresAt ?? null,
      name: input.name ?? null,
      now,
    });
  });
}

async function insertKey(
  db: Kysely<Database>,
  k: { tenant: string; models: string[] | null; expiresAt: Date | null; name: string | null; now: Date },
): Promise<IssuedKey> {
  const key = generateApiKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      id: generateKeyId(),
      tenant_id: k.tenant,
      hash: hashApiKey(key),
      prefix: displayPrefix(key),
      name: k.name,
      models: modelsParam(k.models),
      created_at: k.now,
      expires_at: k.expiresAt,
      revoked_at: null,
      last_used_at: null,
      replaced_by: null,
      grace_until: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, key };
}

export async function listKeys(db: Kysely<Database>, filter: { tenant?: string } = {}): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll();
  if (filter.tenant !== undefined) q = q.where('tenant_id', '=', filter.tenant);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function getKey(db: Kysely<Database>, id: string): Promise<ApiKeyRow> {
  const row = KEY_ID_PATTERN.test(id)
    ? await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new PortcullisError('PCX_NOT_FOUND', `no key "${printable(id)}"`);
  return row;
}

/** Revokes a key at once (the verifier cache may honour it up to its TTL later). Revoking twice keeps the first time. */
export async function revokeKey(db: Kysely<Database>, id: string, now = new Date()): Promise<ApiKeyRow> {
  const row = await getKey(db, id);
  if (row.revoked_at) return row;
  return db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface RotatedKey extends IssuedKey {
  /** The old key, now ending at `grace_until`. */
  old: ApiKeyRow;
}

/**
 * Issues a new key for the same tenant, models, expiry and name, and makes the old one stop at
 * now + grace. The row lock (`for update`) makes two concurrent rotations of one key produce one new key:
 * the second sees `replaced_by` and is refused.
 */
export async function rotateKey(
  db: Kysely<Database>,
  id: string,
  graceSeconds: number,
  now = new Date(),
): Promise<RotatedKey> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) {
    throw new PortcullisError('PCX_INVALID_REQUEST', 'grace_seconds must be a whole number ≥ 0', {
      param: 'grace_seconds',
    });
  }
  return db.transaction().execute(async (trx) => {
    await getKey(trx, id);
    const old = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    if (old.replaced_by) {
      throw new PortcullisError('PCX_CONFLICT', `key ${id} was already rotated (replaced by ${old.replaced_by})`);
    }
    const status = keyStatus(old, now.getTime());
    if (status !== 'active') throw new PortcullisError('PCX_CONFLICT', `key ${id} is ${status} and cannot be rotated`);
    const tenant = await getTenant(trx, old.tenant_id);
    if (tenant.disabled_at) throw new PortcullisError('PCX_CONFLICT', `tenant "${tenant.id}" is disabled`);
    const issued = await insertKey(trx, {
      tenant: old.tenant_id,
      models: old.models,
      expiresAt: old.expires_at ? toDate(old.expires_at) : null,
      name: old.name,
      now,
    });
    const updated = await trx
      .updateTable('api_keys')
      .set({ replaced_by: issued.row.id, grace_until: new Date(now.getTime() + graceSeconds * 1000) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...issued, old: updated };
  });
}

/** What the verifier needs about a key: the row and whether its tenant is disabled. */
export interface KeyLookup {
  row: ApiKeyRow;
  tenantDisabledAt: Date | null;
}

/** The hot path's one query: by the unique hash index, joined with the tenant. */
export async function findKeyByHash(db: Kysely<Database>, hash: string): Promise<KeyLookup | undefined> {
  const found = await db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('api_keys')
    .select('tenants.disabled_at as tenant_disabled_at')
    .where('api_keys.hash', '=', hash)
    .executeTakeFirst();
  if (!found) return undefined;
  const { tenant_disabled_at, ...row } = found;
  return { row, tenantDisabledAt: tenant_disabled_at ? toDate(tenant_disabled_at) : null };
}

/** Records use of many keys in one statement; never moves `last_used_at` backwards. */
export async function touchKeys(db: Kysely<Database>, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}
