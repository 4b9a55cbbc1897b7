import type { Kysely } from 'kysely';

/** Migration 004: limits tables. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
