/**
 * OpenAPI paths of the admin routes mounted next to the tenant and key routes: the audit log
 * (src/audit/http.ts) and the extraction-defence accounts (extraction.ts). Their shapes are written out
 * here because the audit folder does not depend on the gateway; test/admin/openapi.test.ts fails when a
 * registered route is missing from the document.
 */
import { z } from 'zod';
import { noteBody } from './extraction.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const text = (description: string) => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
const err = (description: string) => ({ description, ...json(ref('Error')) });
const unauthorized = { 401: err('invalid_admin_token') };
const index = (name: string, description: string, required: boolean) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'integer', minimum: 0 },
});
const hashes = { type: 'array', items: { type: 'string', description: 'hex SHA-256' } };

const verdict = {
  type: 'object',
  description: 'The extraction defence’s current view of an account.',
  properties: {
    account: { type: 'string' },
    requests: { type: 'integer' },
    score: { type: 'number', description: 'the score acted on: the higher of the account’s and its group’s' },
    accountScore: { type: 'number' },
    clusterScore: { type: 'number' },
    action: { type: 'string', description: 'allow, log, alert, throttle, degrade or block' },
    flagged: { type: 'boolean' },
    reasons: { type: 'array', items: { type: 'string' } },
    cluster: { type: ['string', 'null'] },
    status: { type: 'string', description: 'open, allowed, confirmed, …' },
    share: { type: 'number', description: 'stolen/shared key: share of the key’s traffic in the flagged sub-stream' },
    substream: { type: 'object', additionalProperties: true },
  },
  required: ['account', 'requests', 'score', 'action', 'flagged', 'reasons', 'status'],
  additionalProperties: true,
};

export const moreSchemas: Record<string, unknown> = {
  AuditEntries: {
    type: 'object',
    properties: {
      from: { type: 'integer' },
      to: { type: 'integer' },
      entries: {
        type: 'array',
        items: {
          type: 'object',
          properties: { index: { type: 'integer' }, leaf: { type: 'string', description: 'the leaf, canonical JSON' } },
          required: ['index', 'leaf'],
        },
      },
    },
    required: ['from', 'to', 'entries'],
  },
  InclusionProof: {
    type: 'object',
    description: 'RFC 9162 §2.1.3 inclusion proof of one entry in the tree of `size` entries.',
    properties: {
      index: { type: 'integer' },
      size: { type: 'integer' },
      leaf: { type: 'string' },
      leafHash: { type: 'string' },
      proof: hashes,
      checkpoint: { type: 'string', description: 'the signed checkpoint of `size`, when one exists' },
    },
    required: ['index', 'size', 'leaf', 'leafHash', 'proof'],
  },
  ConsistencyProof: {
    type: 'object',
    description: 'RFC 9162 §2.1.4 consistency proof between the trees of `from` and `to` entries.',
    properties: {
      from: { type: 'integer' },
      to: { type: 'integer' },
      proof: hashes,
      fromRoot: { type: 'string' },
      toRoot: { type: 'string' },
    },
    required: ['from', 'to', 'proof', 'fromRoot', 'toRoot'],
  },
  AccountVerdict: verdict,
  AccountDetail: {
    allOf: [
      ref('AccountVerdict'),
      {
        type: 'object',
        properties: {
          decisions: {
            type: 'array',
            description: 'recorded escalations, newest first (at most 50)',
            items: { type: 'object', additionalProperties: true },
          },
        },
        required: ['decisions'],
      },
    ],
  },
  AccountNote: (() => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(noteBody.unwrap(), { io: 'input' }) as Record<string, unknown>;
    return rest;
  })(),
};

const accountParam = {
  name: 'account',
  in: 'path',
  required: true,
  description: 'the account (tenant/key), 1–512 characters',
  schema: { type: 'string', minLength: 1, maxLength: 512 },
};

const ACTION_TEXT = {
  allow: 'Allow-list the account: never act on it again (it is still profiled)',
  confirm: 'Confirm extraction: the account is blocked from now on',
  clear: 'Clear the account: reviewed and benign, its evidence is forgotten',
} as const;

function accountAction(action: keyof typeof ACTION_TEXT) {
  return {
    parameters: [accountParam],
    post: {
      operationId: `${action}ExtractionAccount`,
      summary: ACTION_TEXT[action],
      requestBody: { required: false, ...json(ref('AccountNote')) },
      responses: {
        200: { description: 'the account’s verdict after the action', ...json(ref('AccountVerdict')) },
        400: err('invalid_request'),
        ...unauthorized,
      },
    },
  };
}

export const morePaths: Record<string, unknown> = {
  '/audit/checkpoint': {
    get: {
      operationId: 'getAuditCheckpoint',
      summary: 'The latest signed checkpoint (a signed note: origin, size, root hash)',
      responses: { 200: text('the checkpoint note'), ...unauthorized, 500: err('internal_error') },
    },
  },
  '/audit/public-key': {
    get: {
      operationId: 'getAuditPublicKey',
      summary: 'The key that verifies checkpoints',
      responses: { 200: text('the verifier key'), ...unauthorized },
    },
  },
  '/audit/entries': {
    get: {
      operationId: 'listAuditEntries',
      summary: 'Leaves [from, to) of the log, at most 1,000 (default 100)',
      parameters: [index('from', 'first entry', true), index('to', 'one past the last entry', false)],
      responses: {
        200: { description: 'the entries', ...json(ref('AuditEntries')) },
        400: err('invalid_request'),
        ...unauthorized,
        404: err('not_found: beyond the log'),
      },
    },
  },
  '/audit/proof/inclusion': {
    get: {
      operationId: 'getAuditInclusionProof',
      summary: 'Inclusion proof of one entry',
      parameters: [
        index('entry', 'the entry', true),
        index('size', 'tree size (default: the latest checkpoint)', false),
      ],
      responses: {
        200: { description: 'the proof', ...json(ref('InclusionProof')) },
        400: err('invalid_request'),
        ...unauthorized,
        404: err('not_found'),
      },
    },
  },
  '/audit/proof/consistency': {
    get: {
      operationId: 'getAuditConsistencyProof',
      summary: 'Consistency proof between two tree sizes',
      parameters: [index('from', 'the smaller size (≥ 1)', true), index('to', 'the larger size', true)],
      responses: {
        200: { description: 'the proof', ...json(ref('ConsistencyProof')) },
        400: err('invalid_request'),
        ...unauthorized,
        404: err('not_found'),
      },
    },
  },
  '/extraction/accounts': {
    get: {
      operationId: 'listExtractionAccounts',
      summary: 'Flagged accounts and those an operator has judged, highest score first',
      parameters: [
        {
          name: 'all',
          in: 'query',
          required: false,
          description: '`true` lists every profiled account',
          schema: { type: 'string', enum: ['true', 'false'] },
        },
      ],
      responses: {
        200: {
          description: 'accounts',
          ...json({ type: 'object', properties: { data: { type: 'array', items: ref('AccountVerdict') } } }),
        },
        ...unauthorized,
      },
    },
  },
  '/extraction/accounts/{account}': {
    parameters: [accountParam],
    get: {
      operationId: 'getExtractionAccount',
      summary: 'One account with its recorded decisions',
      responses: {
        200: { description: 'the account', ...json(ref('AccountDetail')) },
        400: err('invalid_request'),
        ...unauthorized,
        404: err('not_found'),
      },
    },
  },
  '/extraction/accounts/{account}/allow': accountAction('allow'),
  '/extraction/accounts/{account}/confirm': accountAction('confirm'),
  '/extraction/accounts/{account}/clear': accountAction('clear'),
};
