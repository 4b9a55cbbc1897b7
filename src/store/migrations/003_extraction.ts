import type { Kysely } from 'kysely';

/** Migration 003: extraction tables. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
