import type { Kysely } from 'kysely';

/** Migration 002: audit tables. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
