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
    const providers = new Set<string>();
    cfg.providers.forEach((p, i) => {
      if (providers.has(p.name))
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider "${p.name}"` });
      providers.add(p.name);
    });
    const modelNames = new Set(cfg.models.map((m) => m.name));
    cfg.models.forEach((m, i) => {
      if (!providers.has(m.provider)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'provider'], message: `unknown provider "${m.provider}"` });
      }
      m.fallbacks.forEach((f, j) => {
        if (typeof f === 'string' && !modelNames.has(f)) {
          ctx.addIssue({ code: 'custom', path: ['models', i, 'fallbacks', j], message: `unknown model "${f}"` });
        } else if (typeof f !== 'string' && !providers.has(f.provider)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'fallbacks', j, 'provider'],
            message: `unknown provider "${f.provider}"`,
          });
        }
      });
    });
  });

export type Config = z.infer<typeof configSchema>;
