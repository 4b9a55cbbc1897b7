import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../store/tenants.js';

/**
 * The admin API's request and response shapes: one definition serves validation, TypeScript types and the
 * OpenAPI document (via `z.toJSONSchema`). Objects are strict, so a misspelt field is an error, not a no-op.
 */

/** The same alphabet the config uses for public model names. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const MAX_GRACE_SECONDS = 30 * 24 * 3600;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'a tenant id is 1-63 of a-z 0-9 _ -, starting with a letter or digit');

const displayName = z.string().trim().min(1).max(200);

export const createTenantBody = z.strictObject({
  id: tenantIdSchema,
  name: displayName.optional(),
});

export const createKeyBody = z.strictObject({
  tenant: tenantIdSchema,
  /** Public model names; omitted or null = every model. */
  models: z
    .array(z.string().regex(MODEL_NAME, 'a model name is letters, digits and . _ : / -'))
    .min(1, 'give at least one model, or leave models out to allow every model')
    .max(256)
    .nullable()
    .optional(),
  expires_at: z.iso
    .datetime({ offset: true, message: 'an RFC 3339 time such as 2027-01-01T00:00:00Z' })
    .nullable()
    .optional(),
  name: displayName.optional(),
});

export const rotateKeyBody = z.strictObject({
  /** How long the old key keeps working; 0 ends it now. */
  grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS),
});

export const listKeysQuery = z.strictObject({
  tenant: tenantIdSchema.optional(),
});

const isoTime = z.string().meta({ format: 'date-time' });

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  created_at: isoTime,
  disabled_at: isoTime.nullable(),
});

export const keySchema = z.object({
  id: z.string(),
  tenant: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, for telling keys apart.' }),
  name: z.string().nullable(),
  models: z.array(z.string()).nullable(),
  status: z.enum(['active', 'expired', 'revoked', 'rotated']),
  created_at: isoTime,
  expires_at: isoTime.nullable(),
  revoked_at: isoTime.nullable(),
  last_used_at: isoTime.nullable(),
  replaced_by: z.string().nullable(),
  grace_until: isoTime.nullable(),
});

export const issuedKeySchema = z.object({
  id: z.string(),
  key: z.string().meta({ description: 'The API key. Shown only in this response; store it now.' }),
  tenant: z.string(),
  prefix: z.string(),
  name: z.string().nullable(),
  models: z.array(z.string()).nullable(),
  expires_at: isoTime.nullable(),
  created_at: isoTime,
});

export const rotatedKeySchema = issuedKeySchema.extend({
  replaces: z.string(),
  old_key_grace_until: isoTime,
});

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    param: z.string().optional(),
  }),
});

export type CreateTenantBody = z.infer<typeof createTenantBody>;
export type CreateKeyBody = z.infer<typeof createKeyBody>;
export type RotateKeyBody = z.infer<typeof rotateKeyBody>;
export type IssuedKeyJson = z.infer<typeof issuedKeySchema>;
export type RotatedKeyJson = z.infer<typeof rotatedKeySchema>;
