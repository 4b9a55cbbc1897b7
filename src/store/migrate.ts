import { type Kysely, type Migration, Migrator } from 'kysely';
import { StoreError } from './errors.js';
import { migrations as allMigrations } from './migrations/index.js';

export interface MigrateOptions {
  /** PostgreSQL schema holding the tables and Kysely's bookkeeping tables. */
  schema: string;
  /** Defaults to every migration of migrations/index.ts. */
  migrations?: Record<string, Migration>;
}

/**
 * Brings the database up to date. Safe to run from several processes at once on PostgreSQL: Kysely's
 * migrator takes a session advisory lock (`pg_advisory_lock`) around the whole run and applies the pending
 * migrations in one transaction, so a second process waits, then finds nothing left to do.
 * Returns the names of the migrations this call applied.
 */
export async function migrateToLatest(db: Kysely<unknown>, opts: MigrateOptions): Promise<string[]> {
  const record = opts.migrations ?? allMigrations;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => record },
    // Qualifying the bookkeeping tables matters when several schemas share a database: Kysely's
    // "does the table exist" check would otherwise see another schema's kysely_migration table.
    migrationTableSchema: opts.schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'migrations failed';
    throw new StoreError('STORE_MIGRATION_FAILED', `${what}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
