import { type Kysely, sql } from 'kysely';

/** Migration 002: audit tables (see src/store/schema/audit.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('time_ms', 'bigint', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('leaf', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_time').on('audit_entries').column('time_ms').execute();
  // Per journal (one per process run): the last record committed. Replaying a journal skips what is
  // at or below its mark, so no entry is appended twice and rows need no unique id of their own.
  await db.schema
    .createTable('audit_journal_marks')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('frontier', 'bytea', (c) => c.notNull())
    .addColumn('root', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', 'bytea', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('kek_id', 'text', (c) => c.notNull())
    .addColumn('wrapped', 'bytea')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('destroyed_ms', 'bigint')
    .addColumn('destroyed_reason', 'text')
    .execute();
  await db.schema.createIndex('audit_keys_scope').on('audit_keys').columns(['tenant', 'subject']).execute();
  await db.schema.createIndex('audit_keys_created').on('audit_keys').column('created_ms').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_keys', 'audit_checkpoints', 'audit_head', 'audit_journal_marks', 'audit_entries'])
    await db.schema.dropTable(t).ifExists().execute();
}
