import { z } from 'zod';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export const regionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a region is a lower-case name such as eu, us or cn');

/** Circuit breaker thresholds (src/providers/circuit.ts); the defaults are the breaker's own. */
export const circuitSchema = z
  .object({
    /** Consecutive failures that open the circuit. */
    failure_threshold: z.number().int().min(1).max(1000).default(5),
    /** The failures must fall within this period; an older streak starts over. */
    window_ms: z.number().int().min(1).max(3_600_000).default(60_000),
    /** How long an open circuit skips the provider before one probe request tests it. */
    cool_down_ms: z.number().int().min(1).max(3_600_000).default(30_000),
  })
  .strict();

export const providerSchema = z
  .object({
    name: z.string().regex(NAME, 'letters, digits and . _ : / - only'),
    type: z.enum(['openai', 'anthropic']),
    base_url: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'base_url must be http or https'),
    /** Name of the environment variable that holds the upstream key. Preferred over `api_key`. */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional(),
    api_key: z.string().min(1).optional(),
    region: regionSchema,
    /** Extra headers sent upstream (e.g. OpenAI-Organization). Never includes the client's own headers. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Azure OpenAI: sends `api-key` instead of Bearer and `api-version` as a query parameter. */
    azure_api_version: z.string().optional(),
    timeout_ms: z.number().int().positive().max(3_600_000).default(120_000),
    connect_timeout_ms: z.number().int().positive().max(120_000).default(10_000),
    /** Anthropic: the `anthropic-version` header sent upstream. */
    anthropic_version: z.string().default('2023-06-01'),
    circuit: circuitSchema.default(circuitSchema.parse({})),
  })
  .strict()
  .refine((p) => !(p.api_key && p.api_key_env), { message: 'give api_key or api_key_env, not both' });

export const fallbackSchema = z.union([
  z.string().min(1),
  z.object({ provider: z.string(), model: z.string().min(1), weight: z.number().positive().optional() }).strict(),
]);

export const modelSchema = z
  .object({
    /** The public name clients ask for. Several entries with one name form a weighted group. */
    name: z.string().regex(NAME, 'letters, digits and . _ : / - only'),
    provider: z.string(),
    /** The upstream model name. */
    model: z.string().min(1),
    /** Defaults to the provider's region. */
    region: regionSchema.optional(),
    weight: z.number().positive().default(1),
    /** Tried in order when every entry of the group fails: public model names or provider+model pairs. */
    fallbacks: z.array(fallbackSchema).default([]),
    /** Which client APIs may use this model. */
    kind: z.enum(['chat', 'embeddings']).default('chat'),
  })
  .strict();

export type ProviderConfig = z.infer<typeof providerSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
