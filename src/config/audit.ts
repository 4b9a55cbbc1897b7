import { z } from 'zod';

/** What of an exchange's content is recorded (always encrypted): nothing, the prompt, or prompt and answer. */
export const contentModeSchema = z.enum(['none', 'prompt', 'full']);

const contentSchema = z
  .object({
    /** Mode for tenants not listed below. */
    default: contentModeSchema.default('none'),
    /** Per-tenant mode, by tenant id. */
    tenants: z.record(z.string(), contentModeSchema).default({}),
  })
  .strict();

/** Config of the audit stage. Every field has a default. See docs/audit.md. */
export const auditSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Checkpoint origin line and signing key name (C2SP: a schema-less URL-like name, no spaces or '+'). */
    origin: z
      .string()
      .regex(/^[^\s+]{1,200}$/, 'origin must be 1–200 characters without spaces or "+"')
      .default('portcullis.local/audit'),
    /**
     * Group commit: how often the journal tail is written to the database. Entries are safe in the journal
     * before the answer's last byte, so a longer interval loses nothing; it only trades database visibility
     * for fewer transactions (each costs a lock, a tree-head update and, on PGlite, this process's CPU).
     */
    batch_interval_ms: z.number().int().min(1).max(60_000).default(250),
    /** Largest batch written in one transaction. */
    batch_max_entries: z.number().int().min(1).max(100_000).default(10_000),
    /** A signed checkpoint is added at most this often (when the tree grew). */
    checkpoint_interval_s: z.number().int().min(1).max(86_400).default(60),
    /** Ed25519 signing key (signed-note PRIVATE+KEY format); default <data_dir>/audit/signing.key, created if missing. */
    signing_key_file: z.string().optional(),
    /** KEK file (base64 32 bytes); PORTCULLIS_AUDIT_KEK overrides; default <data_dir>/audit/kek, created if missing. */
    kek_file: z.string().optional(),
    content: contentSchema.prefault({}),
    /** Request header naming the data subject (end user); the request's `user` field is used when absent. */
    subject_header: z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, 'subject_header must be a lower-case header name')
      .default('x-portcullis-subject'),
    /** A new data key per tenant/subject after this long, so retention can shred old content by key age. */
    key_rotation_hours: z
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
    /** Content older than this is crypto-shredded; 0 keeps it. Entries themselves are never deleted. */
    retention_days: z.number().int().min(0).max(36_500).default(0),
  })
  .strict();

export type AuditConfig = z.infer<typeof auditSchema>;
export type ContentMode = z.infer<typeof contentModeSchema>;
