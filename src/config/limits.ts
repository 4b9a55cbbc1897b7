import { z } from 'zod';
import { regionSchema } from './providers.js';

const positive = z.number().positive().max(1e12);
const count = z.number().int().positive().max(1e12);

/**
 * One limit rule. `scope` says whose counter it is: each key, each tenant, or each tenant's use of one
 * model. `tenant` and `model` narrow which exchanges the rule applies to.
 */
export const limitRuleSchema = z
  .object({
    scope: z.enum(['key', 'tenant', 'model']),
    tenant: z.string().optional(),
    model: z.string().optional(),
    requests_per_minute: count.optional(),
    input_tokens_per_minute: count.optional(),
    output_tokens_per_minute: count.optional(),
    concurrent: count.optional(),
    budget_usd_per_day: positive.optional(),
    budget_usd_per_month: positive.optional(),
  })
  .strict()
  .refine(
    (r) =>
      [
        r.requests_per_minute,
        r.input_tokens_per_minute,
        r.output_tokens_per_minute,
        r.concurrent,
        r.budget_usd_per_day,
        r.budget_usd_per_month,
      ].some((v) => v !== undefined),
    { message: 'a rule needs at least one limit' },
  );

/** USD per million tokens, by public model name. */
export const priceSchema = z
  .object({ input_per_mtok: z.number().min(0).max(1e6), output_per_mtok: z.number().min(0).max(1e6) })
  .strict();

export const residencySchema = z
  .object({
    /** Request header naming where the data comes from (e.g. `eu`, `cn`). */
    origin_header: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'a lower-case header name')
      .default('x-portcullis-data-origin'),
    /** Data origin → the regions its data may go to. An origin not listed here is refused. */
    origins: z.record(z.string(), z.array(regionSchema).min(1)).default({}),
    /** Tenant id → allowed regions. */
    tenants: z.record(z.string(), z.array(regionSchema).min(1)).default({}),
    /** API key id → allowed regions. */
    keys: z.record(z.string(), z.array(regionSchema).min(1)).default({}),
  })
  .strict();

export const limitsSchema = z
  .object({
    rules: z.array(limitRuleSchema).default([]),
    prices: z.record(z.string(), priceSchema).default({}),
    /** Output tokens reserved against a budget when the request gives no max_tokens. */
    reserve_output_tokens: z.number().int().min(0).max(1_000_000).default(1024),
    /** What to do when the shared counter store (Redis) fails: refuse (closed) or admit unlimited (open). */
    on_store_error: z.enum(['closed', 'open']).default('closed'),
    /** Longest a concurrency slot is held if its process dies without releasing it. */
    lease_ms: z.number().int().positive().max(86_400_000).default(600_000),
    redis_command_timeout_ms: z.number().int().positive().max(60_000).default(500),
    residency: residencySchema.default(residencySchema.parse({})),
  })
  .strict();

export type LimitRule = z.infer<typeof limitRuleSchema>;
export type LimitsConfig = z.infer<typeof limitsSchema>;
export type ResidencyConfig = z.infer<typeof residencySchema>;
