import type { ColumnType } from 'kysely';

/** int8 columns: PostgreSQL returns them as strings (pg) or numbers/bigints (PGlite); callers use Number(). */
type Int8 = ColumnType<string | number | bigint, number | bigint, number | bigint>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

/** Tables of the audit log; see migrations/002_audit.ts and docs/audit.md. */
export type AuditTables = {
  /** One row per leaf. `leaf` is the exact hashed text; `seq` its 0-based index in the tree. */
  audit_entries: {
    seq: Int8;
    time_ms: Int8;
    tenant: string | null;
    type: string;
    leaf: string;
    leaf_hash: Bytes;
  };
  /** The last journal record committed, per journal: replays skip records at or below it. */
  audit_journal_marks: {
    source: string;
    counter: Int8;
  };
  /** The tree head: size and compact-range frontier, updated in the same transaction as the entries. */
  audit_head: {
    id: number;
    size: Int8;
    frontier: Bytes;
    root: Bytes;
  };
  audit_checkpoints: {
    size: Int8;
    root: Bytes;
    /** The signed note, exactly as signed. */
    note: string;
    created_ms: Int8;
  };
  /** Wrapped data keys. Erasure sets `wrapped` to null: the key is gone, the row records that it was. */
  audit_keys: {
    id: string;
    tenant: string;
    subject: string | null;
    kek_id: string;
    wrapped: Bytes | null;
    created_ms: Int8;
    destroyed_ms: Int8 | null;
    destroyed_reason: string | null;
  };
};
