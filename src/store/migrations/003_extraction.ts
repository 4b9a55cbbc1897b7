import type { Kysely } from 'kysely';

/** Migration 003: extraction-defence profiles, operator judgements and the decision record. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('extraction_profiles')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('profile', 'jsonb', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('extraction_profiles_pk', ['account', 'node'])
    .execute();
  // Processes poll for the others' recent changes.
  await db.schema
    .createIndex('extraction_profiles_updated_idx')
    .on('extraction_profiles')
    .column('updated_at')
    .execute();

  await db.schema
    .createTable('extraction_accounts')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('extraction_accounts_updated_idx')
    .on('extraction_accounts')
    .column('updated_at')
    .execute();

  await db.schema
    .createTable('extraction_decisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('previous', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('cluster', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('extraction_decisions_account_idx')
    .on('extraction_decisions')
    .columns(['account', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('extraction_decisions').execute();
  await db.schema.dropTable('extraction_accounts').execute();
  await db.schema.dropTable('extraction_profiles').execute();
}
