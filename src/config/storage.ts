import { z } from 'zod';

export const storageSchema = z
  .object({
    /** Embedded data folder (PGlite, admin token, audit journal). */
    data_dir: z.string().default('./.portcullis'),
    /** postgres://… switches storage to PostgreSQL; PORTCULLIS_DATABASE_URL overrides. */
    database_url: z.string().optional(),
    /** redis://… shares counters across processes; PORTCULLIS_REDIS_URL overrides. */
    redis_url: z.string().optional(),
  })
  .strict();

export type StorageConfig = z.infer<typeof storageSchema>;
