import { z } from 'zod';
import { auditSchema } from './audit.js';
import { extractionSchema } from './extraction.js';
import { guardsSchema } from './guards.js';
import { limitsSchema } from './limits.js';
import { modelSchema, providerSchema } from './providers.js';
import { serverSchema } from './server.js';
import { storageSchema } from './storage.js';

/** The default upstream when no config file is given: a local Ollama. */
export const DEFAULT_PROVIDER = {
  name: 'ollama',
  type: 'openai',
  base_url: 'http://127.0.0.1:11434/v1',
  region: 'local',
} as const;

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    storage: storageSchema.default(storageSchema.parse({})),
    providers: z.array(providerSchema).default([providerSchema.parse(DEFAULT_PROVIDER)]),
    /** With no models listed, any model name is forwarded to the first provider as is. */
    models: z.array(modelSchema).default([]),
    guards: guardsSchema.default(guardsSchema.parse({})),
    extraction: extractionSchema.default(extractionSchema.parse({})),
    audit: auditSchema.default(auditSchema.parse({})),
    limits: limitsSchema.default(limitsSchema.parse({})),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const issue of crossReferenceIssues(cfg)) ctx.addIssue({ code: 'custom', ...issue });
  });

export interface CrossReferenceIssue {
  path: Array<string | number>;
  message: string;
}

function entries(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * Cross-references: duplicate provider names, a model's provider, a fallback's model or provider. Reads the
 * document defensively (entries that are not objects, or lack a name, are skipped), so it can run on a
 * document whose fields are still invalid and `config check` lists these problems with the others at once.
 */
export function crossReferenceIssues(doc: unknown): CrossReferenceIssue[] {
  const issues: CrossReferenceIssue[] = [];
  const rawProviders = field(doc, 'providers');
  const providers = new Set<string>(rawProviders === undefined ? [DEFAULT_PROVIDER.name] : []);
  entries(rawProviders).forEach((p, i) => {
    const name = field(p, 'name');
    if (typeof name !== 'string') return;
    if (providers.has(name)) issues.push({ path: ['providers', i, 'name'], message: `duplicate provider "${name}"` });
    providers.add(name);
  });
  const models = entries(field(doc, 'models'));
  const modelNames = new Set(models.map((m) => field(m, 'name')).filter((n) => typeof n === 'string'));
  models.forEach((m, i) => {
    const provider = field(m, 'provider');
    if (typeof provider === 'string' && !providers.has(provider)) {
      issues.push({ path: ['models', i, 'provider'], message: `unknown provider "${provider}"` });
    }
    entries(field(m, 'fallbacks')).forEach((f, j) => {
      if (typeof f === 'string') {
        if (!modelNames.has(f)) issues.push({ path: ['models', i, 'fallbacks', j], message: `unknown model "${f}"` });
        return;
      }
      const fp = field(f, 'provider');
      if (typeof fp === 'string' && !providers.has(fp)) {
        issues.push({ path: ['models', i, 'fallbacks', j, 'provider'], message: `unknown provider "${fp}"` });
      }
    });
  });
  return issues;
}

export type Config = z.infer<typeof configSchema>;
