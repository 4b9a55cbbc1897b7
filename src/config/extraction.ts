import { z } from 'zod';

/**
 * Config of the extraction-defence stage (issue 4). Every field has a default, so `extraction: {}` is
 * the default policy. Responses escalate with an account's score: each level has a threshold, and
 * `null` switches a level off. `tenants.<id>` holds partial overrides for one tenant's accounts.
 * The alert webhook comes only from here: nothing a client sends can choose where alerts go.
 */

const threshold = z.number().min(0).max(1).nullable();

const thresholdsShape = {
  /** Record a Decision, nothing else. */
  log: threshold,
  /** Also send the alert webhook (once per account per escalation). */
  alert: threshold,
  /** Also limit the account to `throttle.requests_per_minute`. */
  throttle: threshold,
  /** Also degrade answers (see `degrade`). */
  degrade: threshold,
  /** Refuse every request with PCX_ACCOUNT_BLOCKED. */
  block: threshold,
};

export const DEFAULT_THRESHOLDS = { log: 0.3, alert: 0.5, throttle: 0.65, degrade: 0.75, block: 0.92 } as const;

const thresholdsSchema = z
  .object({
    log: threshold.default(DEFAULT_THRESHOLDS.log),
    alert: threshold.default(DEFAULT_THRESHOLDS.alert),
    throttle: threshold.default(DEFAULT_THRESHOLDS.throttle),
    degrade: threshold.default(DEFAULT_THRESHOLDS.degrade),
    block: threshold.default(DEFAULT_THRESHOLDS.block),
  })
  .strict();

const partialThresholds = z.object(thresholdsShape).partial().strict();

const accountId = z.string().min(1).max(512);

/** http(s) only: the webhook is an operator's endpoint, never a file or another scheme. */
const webhookUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'the alert webhook must be an http:// or https:// URL');

export const extractionSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** What one "account" is: a tenant (all its keys together) or a single API key. */
    account_by: z.enum(['tenant', 'key']).default('tenant'),
    thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
    throttle: z
      .object({
        requests_per_minute: z.number().int().min(1).max(100_000).default(6),
      })
      .strict()
      .default({ requests_per_minute: 6 }),
    degrade: z
      .object({
        /** Cap on max_tokens while degraded. */
        max_tokens: z.number().int().min(1).max(1_000_000).default(256),
        drop_logprobs: z.boolean().default(true),
        single_sample: z.boolean().default(true),
        strip_reasoning: z.boolean().default(true),
        added_latency_ms: z.number().int().min(0).max(60_000).default(0),
      })
      .strict()
      .default({
        max_tokens: 256,
        drop_logprobs: true,
        single_sample: true,
        strip_reasoning: true,
        added_latency_ms: 0,
      }),
    alert: z
      .object({
        webhook_url: webhookUrl.optional(),
        timeout_ms: z.number().int().min(100).max(30_000).default(2000),
      })
      .strict()
      .default({ timeout_ms: 2000 }),
    /** Accounts never acted on (still profiled). */
    allow_accounts: z.array(accountId).default([]),
    /**
     * Secret key of the prompt-text hashes (template edges, prompts, system prompts), at least 16
     * characters. PORTCULLIS_EXTRACTION_HASH_KEY overrides it. Without either, the gateway creates
     * one in the data directory; several processes sharing a database must be given the same key.
     */
    hash_key: z.string().min(16).max(1024).optional(),
    /** Link accounts into groups and flag the members of a flagged group. */
    clustering: z.boolean().default(true),
    /** Smallest group whose members are flagged for the group's score. */
    min_cluster_size: z.number().int().min(2).max(1_000_000).default(3),
    /** Profiles kept in memory; the least recently seen are written out and dropped beyond this. */
    max_profiles: z.number().int().min(100).max(10_000_000).default(200_000),
    /** How often changed profiles are written to the store. */
    persist_interval_ms: z.number().int().min(100).max(3_600_000).default(5000),
    /**
     * Stolen and shared keys (issue 11): a per-key picture of normal traffic and a sequential change
     * test that flags a foreign sub-stream. `action` is what a flagged key's matching requests get;
     * operators asked to know first, so the default only alerts.
     */
    key_watch: z
      .object({
        enabled: z.boolean().default(true),
        action: z.enum(['alert', 'throttle', 'degrade', 'block']).default('alert'),
        /** CUSUM threshold; higher = fewer false alarms, later flags. */
        threshold: z.number().min(1).max(1000).default(14),
        /** Smallest share of a key's traffic the test is tuned for. */
        share: z.number().gt(0).lt(1).default(0.05),
        max_keys: z.number().int().min(100).max(10_000_000).default(200_000),
        /** Requests of a key learnt before its change test starts (its picture's warm-up). */
        min_requests: z.number().int().min(20).max(1_000_000).default(300),
      })
      .strict()
      .default({ enabled: true, action: 'alert', threshold: 14, share: 0.05, max_keys: 200_000, min_requests: 300 }),
    tenants: z
      .record(
        z.string().min(1),
        z
          .object({
            enabled: z.boolean().optional(),
            thresholds: partialThresholds.optional(),
            allow_accounts: z.array(accountId).optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

export type ExtractionConfig = z.infer<typeof extractionSchema>;
export type ExtractionThresholds = z.infer<typeof thresholdsSchema>;
