import type { Kysely } from 'kysely';

/**
 * Migration 005: the stolen-key watch's per-key state (issue 11), one row per watched key, shared by
 * every gateway process and kept across restarts. `state` is the key's bounded picture, change test and
 * named sub-stream (a few kilobytes at most). `json`, not `jsonb`: the state is only ever read whole,
 * and `json` is about half the server's work per write (measured with COPY of 10,000 states).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('keywatch_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('state', 'json', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Processes poll for the others' recent changes; `clear` forgets an account's keys.
  await db.schema.createIndex('keywatch_keys_updated_idx').on('keywatch_keys').column('updated_at').execute();
  await db.schema.createIndex('keywatch_keys_account_idx').on('keywatch_keys').column('account').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('keywatch_keys').execute();
}
