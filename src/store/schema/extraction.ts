import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb written as JSON text (so `pg` never turns arrays into PostgreSQL arrays), read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** Tables of the extraction defence; see migrations/003_extraction.ts and docs/extraction.md. */
export type ExtractionTables = {
  /**
   * One row per account and gateway process (`node`): each process writes its own profile, and each
   * reads the others' evidence, so counters add up across processes instead of overwriting each other.
   */
  extraction_profiles: {
    account: string;
    node: string;
    tenant: string | null;
    /** AccountProfile JSON (≤ 16 KB, see src/extraction/profile.ts). */
    profile: Json<unknown>;
    requests: number;
    score: number;
    updated_at: Timestamp;
  };
  /** Operator judgements: allowed, confirmed or cleared, with who and why. */
  extraction_accounts: {
    account: string;
    tenant: string | null;
    status: string;
    note: string | null;
    updated_by: string | null;
    updated_at: Timestamp;
  };
  /** Every escalation of an account's response, with its reasons (the decision record). */
  extraction_decisions: {
    id: ColumnType<string | number, never, never>;
    account: string;
    tenant: string | null;
    action: string;
    previous: string;
    score: number;
    reasons: Json<string[]>;
    cluster: string | null;
    created_at: Timestamp;
  };
};
