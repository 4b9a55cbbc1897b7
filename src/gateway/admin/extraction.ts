import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccountAdmin } from '../../extraction/defence.js';

export const noteBody = z
  .strictObject({
    note: z.string().max(1000).optional(),
    by: z.string().max(200).optional(),
    tenant: z.string().max(128).optional(),
  })
  .optional();

const accountParam = z.string().min(1).max(512);

function bad(message: string) {
  return { error: { code: 'invalid_request', message } };
}

/**
 * Operator actions on extraction-defence accounts, mounted under /admin/v1 behind the admin token:
 * list flagged accounts, see one with its recorded decisions, and allow-list, confirm or clear it.
 */
export function extractionAdminRoutes(accounts: AccountAdmin, onAction?: (action: string, account: string) => void) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/extraction/accounts', async (req) => {
      const all = (req.query as { all?: string }).all === 'true';
      return { data: accounts.list({ all }) };
    });

    app.get('/extraction/accounts/:account', async (req, reply) => {
      const account = accountParam.safeParse((req.params as { account: string }).account);
      if (!account.success) return reply.code(400).send(bad('account must be 1–512 characters'));
      const verdict = accounts.get(account.data);
      if (!verdict) return reply.code(404).send({ error: { code: 'not_found', message: 'no such account' } });
      return { ...verdict, decisions: await accounts.decisions(account.data, 50) };
    });

    for (const action of ['allow', 'confirm', 'clear'] as const) {
      app.post(`/extraction/accounts/:account/${action}`, async (req, reply) => {
        const account = accountParam.safeParse((req.params as { account: string }).account);
        if (!account.success) return reply.code(400).send(bad('account must be 1–512 characters'));
        const body = noteBody.safeParse(req.body ?? undefined);
        if (!body.success) {
          return reply
            .code(400)
            .send(bad(body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')));
        }
        const verdict = await accounts[action](account.data, body.data ?? {});
        onAction?.(`extraction.${action}`, account.data);
        return verdict;
      });
    }
  };
}
