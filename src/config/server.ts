import { z } from 'zod';

export const DEFAULT_PORT = 8420;
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
    /** Largest accepted request body in bytes. */
    body_limit: z
      .number()
      .int()
      .positive()
      .max(256 * 1024 * 1024)
      .default(DEFAULT_BODY_LIMIT),
    /** Trust X-Forwarded-For from these proxies (fastify `trustProxy`). */
    trust_proxy: z.union([z.boolean(), z.string(), z.array(z.string())]).default(false),
    /** Grace period for in-flight streams at shutdown. */
    shutdown_grace_ms: z.number().int().min(0).max(600_000).default(30_000),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export type ServerConfig = z.infer<typeof serverSchema>;
