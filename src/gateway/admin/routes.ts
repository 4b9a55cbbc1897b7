import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { adminTokenMatches } from '../../auth/admin-token.js';
import { PortcullisError } from '../../core/errors.js';
import type { Store } from '../../store/db.js';
import { createKey, getKey, keyView, listKeys, revokeKey, rotateKey } from '../../store/keys.js';
import type { ApiKeyRow } from '../../store/schema/core.js';
import { createTenant, disableTenant, getTenant, listTenants, tenantView } from '../../store/tenants.js';
import { parseJsonBody } from '../body.js';
import { fromZodError, sendAdminError } from './errors.js';
import { buildOpenApiDocument } from './openapi.js';
import {
  createKeyBody,
  createTenantBody,
  type IssuedKeyJson,
  listKeysQuery,
  type RotatedKeyJson,
  rotateKeyBody,
} from './schemas.js';

export interface AdminAction {
  /** `tenant.create`, `tenant.disable`, `key.create`, `key.revoke`, `key.rotate`. */
  action: string;
  actor: 'admin';
  /** The tenant id or key id acted on. */
  target: string;
  /** Non-secret facts about the action (never the key). */
  details?: object;
}

export interface AdminRoutesOptions {
  store: Store;
  adminToken: string;
  /** Called after any change that can alter a key's validity, e.g. to clear the KeyVerifier cache. */
  onKeysChanged?: () => void;
  /** Called after each successful mutation; the audit log records these. */
  onAdminAction?: (event: AdminAction) => void;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/** Admin bodies are tiny; anything bigger is refused before parsing. */
const ADMIN_BODY_LIMIT = 64 * 1024;

/**
 * The admin API, as a fastify plugin. Register it under `/admin/v1` (its own scope: it sets its own JSON
 * parser, error format, 404 and token check, which apply to these routes only).
 */
export async function adminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  if (typeof opts.adminToken !== 'string' || opts.adminToken.length < 16) {
    throw new TypeError('adminRoutes: adminToken must be a string of at least 16 characters');
  }
  const { db } = opts.store;
  const now = opts.now ?? (() => new Date());
  const openapi = buildOpenApiDocument();

  const changed = (req: FastifyRequest, keysChanged: boolean, event: AdminAction): void => {
    // The change is committed; a failing listener must not turn it into an error for the caller.
    try {
      if (keysChanged) opts.onKeysChanged?.();
      opts.onAdminAction?.(event);
    } catch (err) {
      req.log.error({ err, action: event.action }, 'admin action listener failed');
    }
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: ADMIN_BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );

  app.setErrorHandler((err, req, reply) => sendAdminError(req, reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendAdminError(
      req,
      reply,
      new PortcullisError('PCX_NOT_FOUND', `no admin route ${req.method} ${req.url.split('?')[0]}`),
    ),
  );

  app.addHook('onRequest', async (req, reply) => {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!m?.[1] || !adminTokenMatches(m[1], opts.adminToken)) {
      const message = m ? 'the admin token is not valid' : 'send the admin token as "Authorization: Bearer <token>"';
      return sendAdminError(req, reply, new PortcullisError('PCX_ADMIN_UNAUTHORIZED', message));
    }
  });

  app.get('/openapi.json', async () => openapi);

  app.post('/tenants', async (req, reply) => {
    const body = parse(createTenantBody, req.body, 'body');
    const row = await createTenant(db, { id: body.id, name: body.name ?? null }, now());
    changed(req, false, { action: 'tenant.create', actor: 'admin', target: row.id, details: { name: row.name } });
    return reply.code(201).send(tenantView(row));
  });

  app.get('/tenants', async () => ({ data: (await listTenants(db)).map(tenantView) }));

  app.get<{ Params: { id: string } }>('/tenants/:id', async (req) => tenantView(await getTenant(db, req.params.id)));

  app.delete<{ Params: { id: string } }>('/tenants/:id', async (req) => {
    const before = await getTenant(db, req.params.id);
    const row = await disableTenant(db, before.id, now());
    if (!before.disabled_at) changed(req, true, { action: 'tenant.disable', actor: 'admin', target: row.id });
    return tenantView(row);
  });

  app.post('/keys', async (req, reply) => {
    const body = parse(createKeyBody, req.body, 'body');
    const at = now();
    const { row, key } = await createKey(
      db,
      {
        tenant: body.tenant,
        models: body.models ?? null,
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        name: body.name ?? null,
      },
      at,
    );
    changed(req, true, {
      action: 'key.create',
      actor: 'admin',
      target: row.id,
      details: { tenant: row.tenant_id, models: row.models, expires_at: row.expires_at?.toISOString() ?? null },
    });
    return reply.code(201).send(issuedJson(row, key));
  });

  app.get('/keys', async (req) => {
    const query = parse(listKeysQuery, req.query, 'query');
    if (query.tenant !== undefined) await getTenant(db, query.tenant);
    const at = now().getTime();
    return { data: (await listKeys(db, { tenant: query.tenant })).map((r) => keyView(r, at)) };
  });

  app.get<{ Params: { id: string } }>('/keys/:id', async (req) =>
    keyView(await getKey(db, req.params.id), now().getTime()),
  );

  app.delete<{ Params: { id: string } }>('/keys/:id', async (req) => {
    const before = await getKey(db, req.params.id);
    const at = now();
    const row = await revokeKey(db, before.id, at);
    if (!before.revoked_at) {
      changed(req, true, { action: 'key.revoke', actor: 'admin', target: row.id, details: { tenant: row.tenant_id } });
    }
    return keyView(row, at.getTime());
  });

  app.post<{ Params: { id: string } }>('/keys/:id/rotate', async (req, reply) => {
    const body = parse(rotateKeyBody, req.body, 'body');
    const rotated = await rotateKey(db, req.params.id, body.grace_seconds, now());
    changed(req, true, {
      action: 'key.rotate',
      actor: 'admin',
      target: rotated.old.id,
      details: { tenant: rotated.old.tenant_id, new_key: rotated.row.id, grace_seconds: body.grace_seconds },
    });
    const json: RotatedKeyJson = {
      ...issuedJson(rotated.row, rotated.key),
      replaces: rotated.old.id,
      old_key_grace_until: (rotated.old.grace_until as Date).toISOString(),
    };
    return reply.code(201).send(json);
  });
}

export function issuedJson(row: ApiKeyRow, key: string): IssuedKeyJson {
  return {
    id: row.id,
    key,
    tenant: row.tenant_id,
    prefix: row.prefix,
    name: row.name,
    models: row.models,
    expires_at: row.expires_at ? row.expires_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw fromZodError(result.error, where);
  return result.data;
}
