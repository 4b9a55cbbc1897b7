import type { Kysely } from 'kysely';

/** Migration 001: core tables. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
