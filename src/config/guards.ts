import { z } from 'zod';

/**
 * Config of the content guards (issue 3). Every field has a default, so `guards: {}` is the default policy:
 * PII and secrets redacted, direct injection blocked, indirect injection (role `tool`) logged, canary leaks
 * blocked. `tenants.<id>` holds partial overrides merged over these at start (see src/guards/policy.ts).
 */

export const GUARD_ACTIONS = ['off', 'log', 'redact', 'block'] as const;
export type GuardAction = (typeof GUARD_ACTIONS)[number];

const action = z.enum(GUARD_ACTIONS);
const threshold = z.number().min(0).max(1);

/** Operator-written regexes, checked to compile at load so a typo fails the start, not a request. */
const regexSource = z
  .string()
  .min(1)
  .max(500)
  .refine((src) => {
    try {
      new RegExp(src, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression (JavaScript syntax, unicode mode)');

/** Finding names as detectors emit them: `pii.ip_address`, `secret.aws_access_key`, … */
const detectorName = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/, 'a detector name such as pii.email');

const ruleOverride = z.object({ action: action.optional(), threshold: threshold.optional() }).strict();

// Full sections (defaults applied) and their partial twins for tenants (no defaults, so an absent
// field means "inherit", not "reset"). zod's .partial() keeps inner defaults, hence the explicit twins.

const piiSchema = z.object({ action: action.default('redact'), threshold: threshold.default(0.5) }).strict();
const secretSchema = z.object({ action: action.default('redact'), threshold: threshold.default(0.5) }).strict();

/**
 * Injection is never redacted: `redact` is treated as `block` (removing a span of an attack would leave
 * the rest of it in place). Unset thresholds mean: `injection.classifier` uses the injection detectors' own
 * INJECTION_THRESHOLDS (tuned on its scores), every other injection detector 0.5. A threshold set here
 * applies to all of them.
 */
const injectionSchema = z
  .object({
    action: action.default('block'),
    threshold: threshold.optional(),
    /** Texts with role `tool` (documents, tool results): indirect injection. */
    indirect_action: action.default('log'),
    /**
     * Injection in system texts; defaults to `action`. The client writes the system prompt too, so logging
     * there lets a jailbreak move out of the user turn; `log` suits tenants whose apps are trusted.
     */
    system_action: action.optional(),
    indirect_threshold: threshold.optional(),
    /**
     * Run `injection.classifier` on role `system` texts. Off by default: the operator writes the system
     * prompt, and developers' prompts ("never reveal these instructions", "you are now …") read like
     * attacks to a model trained on attacks. The structural detectors (role markers, invisible
     * characters, encoded payloads) judge system texts either way.
     */
    classify_system: z.boolean().default(false),
  })
  .strict();
const injectionOverride = z
  .object({
    action: action.optional(),
    threshold: threshold.optional(),
    indirect_action: action.optional(),
    system_action: action.optional(),
    indirect_threshold: threshold.optional(),
    classify_system: z.boolean().optional(),
  })
  .strict();

/** Canary leaks (token or verbatim system prompt in the answer); `redact` is treated as `block`. */
const canarySchema = z
  .object({
    action: action.default('block'),
    /**
     * For verbatim overlap with the system prompt; defaults to `action`. Deployments that put documents
     * in the system prompt (retrieval) may prefer `log`: quoting a document is then a normal answer.
     */
    overlap_action: action.optional(),
    /** Consecutive characters of the system prompt in an answer that count as a leak. */
    overlap_chars: z.number().int().min(20).max(1000).default(60),
  })
  .strict();
const canaryOverride = z
  .object({
    action: action.optional(),
    overlap_action: action.optional(),
    overlap_chars: z.number().int().min(20).max(1000).optional(),
  })
  .strict();

/** Values never reported: exact matched values, or regexes tested against the matched value. */
const allowSchema = z
  .object({
    values: z.array(z.string().min(1).max(1000)).max(10_000).default([]),
    patterns: z.array(regexSource).max(1000).default([]),
  })
  .strict();
const allowOverride = z
  .object({
    values: z.array(z.string().min(1).max(1000)).max(10_000).optional(),
    patterns: z.array(regexSource).max(1000).optional(),
  })
  .strict();

/** Output guards: which categories are looked for in answers, and the stream hold-back. */
const outputSchema = z
  .object({
    pii: z.boolean().default(true),
    secret: z.boolean().default(true),
    canary: z.boolean().default(true),
    /**
     * Characters held back at the end of a streamed answer so a value split across chunks is caught
     * before any of it is sent. Values longer than this may be caught only partly.
     */
    hold_chars: z.number().int().min(16).max(4096).default(256),
  })
  .strict();
const outputOverride = z
  .object({
    pii: z.boolean().optional(),
    secret: z.boolean().optional(),
    canary: z.boolean().optional(),
    hold_chars: z.number().int().min(16).max(4096).optional(),
  })
  .strict();

const piiOverride = z.object({ action: action.optional(), threshold: threshold.optional() }).strict();

export const guardsOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    pii: piiOverride.optional(),
    secret: piiOverride.optional(),
    injection: injectionOverride.optional(),
    canary: canaryOverride.optional(),
    detectors: z.record(detectorName, ruleOverride).optional(),
    allow: allowOverride.optional(),
    output: outputOverride.optional(),
  })
  .strict();

export const guardsSchema = z
  .object({
    enabled: z.boolean().default(true),
    pii: piiSchema.default(piiSchema.parse({})),
    secret: secretSchema.default(secretSchema.parse({})),
    injection: injectionSchema.default(injectionSchema.parse({})),
    canary: canarySchema.default(canarySchema.parse({})),
    /** Per-detector overrides by finding name, e.g. `{"pii.ip_address": {action: off}}`. */
    detectors: z.record(detectorName, ruleOverride).default({}),
    allow: allowSchema.default(allowSchema.parse({})),
    output: outputSchema.default(outputSchema.parse({})),
    /** Per-tenant partial overrides, merged over the sections above; allow-lists are added to, not replaced. */
    tenants: z.record(z.string().min(1).max(128), guardsOverrideSchema).default({}),
  })
  .strict();

export type GuardsConfig = z.infer<typeof guardsSchema>;
export type GuardsOverride = z.infer<typeof guardsOverrideSchema>;
