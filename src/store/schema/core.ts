import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Timestamps are written as Date and read back as Date on both PGlite and `pg`. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** Defaults to now() on insert. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * `models` is jsonb. Written as JSON text (see keys.ts: `pg` would otherwise turn a JS array into a
 * PostgreSQL array literal), read back parsed.
 */
type JsonModels = ColumnType<string[] | null, string | null, string | null>;

export interface TenantsTable {
  /** `^[a-z0-9][a-z0-9_-]{0,62}$` */
  id: string;
  name: string | null;
  created_at: CreatedAt;
  /** Set when the tenant is disabled; its keys stop working. Tenants are never deleted (audit refers to them). */
  disabled_at: Timestamp | null;
}

export interface ApiKeysTable {
  /** `key_…`: the public handle of a key, safe to log and show. */
  id: string;
  tenant_id: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  /** The first characters of the key, so people can tell their keys apart. */
  prefix: string;
  name: string | null;
  /** Public model names the key may use; null means every model. */
  models: JsonModels;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** Set by rotation: the key that replaces this one. */
  replaced_by: string | null;
  /** Set by rotation: this key stops working at this time. */
  grace_until: Timestamp | null;
}

/** Tables of the gateway core (tenants, keys). Owned by src/store; see migrations/001_core.ts. */
export type CoreTables = {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
};

export type TenantRow = Selectable<TenantsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
