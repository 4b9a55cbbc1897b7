import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ERROR_CATALOGUE, isPortcullisError, PortcullisError } from '../core/errors.js';
import { AuditError, VerificationError } from './errors.js';
import type { AuditLog } from './log.js';

/**
 * Admin routes of the audit log, as a fastify plugin the gateway mounts under its admin prefix and
 * admin authentication (this folder does not import the gateway):
 *
 *   GET /audit/checkpoint                          latest signed checkpoint (text/plain, the note)
 *   GET /audit/public-key                          the verifier key (text/plain)
 *   GET /audit/entries?from=&to=                   leaves [from, to), at most 1,000
 *   GET /audit/proof/inclusion?entry=N[&size=S]    RFC 9162 inclusion proof
 *   GET /audit/proof/consistency?from=M&to=N       RFC 9162 consistency proof
 *
 * Errors use the admin API's shape: {"error":{"code","message","param"?}}.
 */

export const MAX_ENTRIES_PER_PAGE = 1000;

const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const entriesQuery = z.object({ from: index, to: index.optional() }).strict();
const inclusionQuery = z.object({ entry: index, size: index.optional() }).strict();
const consistencyQuery = z.object({ from: index.min(1), to: index }).strict();

function parse<T>(schema: z.ZodType<T>, query: unknown): T {
  const r = schema.safeParse(query ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new PortcullisError('PCX_INVALID_REQUEST', `${issue.path.join('.') || 'query'}: ${issue.message}`, {
      param: issue.path.join('.') || undefined,
    });
  }
  return r.data;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  let e: PortcullisError;
  if (isPortcullisError(err)) e = err;
  else if (err instanceof AuditError && err.code === 'AUDIT_OUT_OF_RANGE')
    e = new PortcullisError('PCX_NOT_FOUND', err.message);
  else if (err instanceof VerificationError) e = new PortcullisError('PCX_INVALID_REQUEST', err.message);
  else e = new PortcullisError('PCX_INTERNAL', 'audit log error', { cause: err });
  return reply
    .code(e.status)
    .header('x-portcullis-error', ERROR_CATALOGUE[e.code].wire)
    .send({
      error: { code: ERROR_CATALOGUE[e.code].wire, message: e.message, ...(e.param ? { param: e.param } : {}) },
    });
}

/** `app.register(auditAdminRoutes(log), { prefix: '/admin/v1' })` behind the admin auth hook. */
export function auditAdminRoutes(log: AuditLog) {
  return async function auditRoutes(app: FastifyInstance): Promise<void> {
    app.get('/audit/checkpoint', async (_req, reply) => {
      try {
        const note = (await log.latestCheckpoint()) ?? (await log.checkpoint());
        return reply.type('text/plain; charset=utf-8').send(note);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/audit/public-key', async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send(`${log.publicKey}\n`),
    );

    app.get('/audit/entries', async (req, reply) => {
      try {
        const q = parse(entriesQuery, req.query);
        const to = Math.min(q.to ?? q.from + 100, q.from + MAX_ENTRIES_PER_PAGE);
        if (to < q.from) throw new PortcullisError('PCX_INVALID_REQUEST', 'to must not be below from', { param: 'to' });
        const entries = await log.entries(q.from, to);
        return reply.send({ from: q.from, to, entries: entries.map((e) => ({ index: e.index, leaf: e.leaf })) });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/audit/proof/inclusion', async (req, reply) => {
      try {
        const q = parse(inclusionQuery, req.query);
        return reply.send(await log.proofInclusion(q.entry, q.size));
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/audit/proof/consistency', async (req, reply) => {
      try {
        const q = parse(consistencyQuery, req.query);
        return reply.send(await log.proofConsistency(q.from, q.to));
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
}
