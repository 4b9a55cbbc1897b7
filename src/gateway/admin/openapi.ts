import { z } from 'zod';
import { morePaths, moreSchemas } from './openapi-more.js';
import {
  createKeyBody,
  createTenantBody,
  errorSchema,
  issuedKeySchema,
  keySchema,
  rotatedKeySchema,
  rotateKeyBody,
  tenantSchema,
} from './schemas.js';

/** JSON Schema of a zod schema, as an OpenAPI 3.1 component (3.1 uses JSON Schema 2020-12 as is). */
function component(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'error', ...json(ref('Error')) }]),
  );

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid_request or invalid_json',
  401: 'invalid_admin_token',
  404: 'not_found',
  409: 'conflict',
};

const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `${what} id`,
  schema: { type: 'string' },
});
const list = (item: string) => ({
  type: 'object',
  properties: { data: { type: 'array', items: ref(item) } },
  required: ['data'],
});

/** The OpenAPI 3.1 document of the admin API; schemas come from the same zod definitions that validate requests. */
export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis admin API',
      version: '1',
      description:
        'Tenants, API keys, the audit log and extraction-defence accounts. Every route needs `Authorization: Bearer <admin token>`.',
    },
    servers: [{ url: '/admin/v1' }],
    security: [{ adminToken: [] }],
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
      schemas: {
        CreateTenant: component(createTenantBody, 'input'),
        CreateKey: component(createKeyBody, 'input'),
        RotateKey: component(rotateKeyBody, 'input'),
        Tenant: component(tenantSchema, 'output'),
        Key: component(keySchema, 'output'),
        IssuedKey: component(issuedKeySchema, 'output'),
        RotatedKey: component(rotatedKeySchema, 'output'),
        Error: component(errorSchema, 'output'),
        ...moreSchemas,
      },
    },
    paths: {
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { 200: { description: 'OpenAPI 3.1' }, ...errors(401) },
        },
      },
      '/tenants': {
        post: {
          operationId: 'createTenant',
          summary: 'Create a tenant',
          requestBody: { required: true, ...json(ref('CreateTenant')) },
          responses: { 201: { description: 'created', ...json(ref('Tenant')) }, ...errors(400, 401, 409) },
        },
        get: {
          operationId: 'listTenants',
          summary: 'List tenants',
          responses: { 200: { description: 'tenants', ...json(list('Tenant')) }, ...errors(401) },
        },
      },
      '/tenants/{id}': {
        parameters: [idParam('tenant')],
        get: {
          operationId: 'getTenant',
          summary: 'Get a tenant',
          responses: { 200: { description: 'the tenant', ...json(ref('Tenant')) }, ...errors(401, 404) },
        },
        delete: {
          operationId: 'disableTenant',
          summary: 'Disable a tenant (its keys stop working); tenants are kept for the audit trail',
          responses: { 200: { description: 'disabled', ...json(ref('Tenant')) }, ...errors(401, 404) },
        },
      },
      '/keys': {
        post: {
          operationId: 'createKey',
          summary: 'Issue an API key; the key is in this response only',
          requestBody: { required: true, ...json(ref('CreateKey')) },
          responses: { 201: { description: 'issued', ...json(ref('IssuedKey')) }, ...errors(400, 401, 404, 409) },
        },
        get: {
          operationId: 'listKeys',
          summary: 'List keys (never the keys themselves)',
          parameters: [{ name: 'tenant', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { 200: { description: 'keys', ...json(list('Key')) }, ...errors(400, 401, 404) },
        },
      },
      '/keys/{id}': {
        parameters: [idParam('key')],
        get: {
          operationId: 'getKey',
          summary: 'Get a key',
          responses: { 200: { description: 'the key', ...json(ref('Key')) }, ...errors(401, 404) },
        },
        delete: {
          operationId: 'revokeKey',
          summary: 'Revoke a key',
          responses: { 200: { description: 'revoked', ...json(ref('Key')) }, ...errors(401, 404) },
        },
      },
      '/keys/{id}/rotate': {
        parameters: [idParam('key')],
        post: {
          operationId: 'rotateKey',
          summary: 'Issue a replacement key; the old one keeps working for grace_seconds',
          requestBody: { required: true, ...json(ref('RotateKey')) },
          responses: {
            201: { description: 'replacement issued', ...json(ref('RotatedKey')) },
            ...errors(400, 401, 404, 409),
          },
        },
      },
      ...morePaths,
    },
  };
}
