import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
const ADMIN = 'pca_test_admin_token_0123456789';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

async function admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, token = ADMIN) {
  const res = await request(`${h.base}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: test helper reading arbitrary JSON
  return { status: res.statusCode, json: json as any, text };
}

describe('admin API mounted on the gateway', () => {
  it('creates a tenant and a key that then works with the OpenAI SDK, and revocation stops it at once', async () => {
    expect((await admin('POST', '/tenants', { id: 'globex' })).status).toBe(201);
    const issued = await admin('POST', '/keys', { tenant: 'globex', models: ['gpt-test'] });
    expect(issued.status).toBe(201);
    expect(issued.json.key).toMatch(/^pcs_/);
    const client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: issued.json.key, maxRetries: 0 });
    const ok = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hello admin' }],
    });
    expect(ok.choices[0]?.message.content).toBe('hello admin');
    const listed = await admin('GET', '/keys?tenant=globex');
    expect(listed.text).not.toContain(issued.json.key);
    expect((await admin('DELETE', `/keys/${issued.json.id}`)).status).toBe(200);
    const err = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('refuses a missing or wrong admin token, and an API key is not an admin token', async () => {
    expect((await admin('GET', '/tenants', undefined, 'wrong')).status).toBe(401);
    expect((await admin('GET', '/tenants', undefined, h.key)).status).toBe(401);
    expect((await admin('GET', '/audit/checkpoint', undefined, 'wrong')).status).toBe(401);
  });

  it('serves the OpenAPI document and the audit log’s checkpoint and public key', async () => {
    const doc = await admin('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    const key = await admin('GET', '/audit/public-key');
    expect(key.status).toBe(200);
    const cp = await admin('GET', '/audit/checkpoint');
    expect(cp.status).toBe(200);
    // C2SP tlog-checkpoint: origin line, tree size, root hash, blank line, signature lines
    const lines = cp.text.split('\n');
    expect(Number.isInteger(Number(lines[1]))).toBe(true);
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^— /);
  });

  it('rejects hostile admin input with a clear error', async () => {
    expect((await admin('POST', '/tenants', { id: "x'; DROP TABLE tenants; --" })).status).toBe(400);
    expect((await admin('POST', '/keys', { tenant: 'acme', models: 'all' })).status).toBe(400);
    expect((await admin('POST', '/keys', { tenant: 'nope' })).status).toBe(404);
  });

  it('an operator confirms an extraction account (blocked at once) and clears it again', async () => {
    await admin('POST', '/tenants', { id: 'suspect' });
    const issued = await admin('POST', '/keys', { tenant: 'suspect' });
    const client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: issued.json.key, maxRetries: 0 });
    const ask = () =>
      client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] });
    await ask();
    const confirmed = await admin('POST', '/extraction/accounts/suspect/confirm', {
      note: 'seen in the trace review',
      by: 'soc',
    });
    expect(confirmed.status).toBe(200);
    const blocked = await ask().catch((e) => e);
    expect(blocked).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(blocked.code).toBe('account_blocked');
    expect((await admin('GET', '/extraction/accounts')).json.data.map((v: { account: string }) => v.account)).toContain(
      'suspect',
    );
    expect((await admin('POST', '/extraction/accounts/suspect/clear', {})).status).toBe(200);
    await ask();
  });

  it('rejects hostile extraction-admin input', async () => {
    expect((await admin('POST', '/extraction/accounts/suspect/allow', { note: 5 })).status).toBe(400);
    expect((await admin('POST', '/extraction/accounts/suspect/allow', { extra: 'x' })).status).toBe(400);
    const long = await admin('GET', `/extraction/accounts/${'a'.repeat(600)}`);
    expect(long.status).toBe(414);
    expect(long.text).not.toContain('internal');
    expect((await admin('GET', '/extraction/accounts/never-seen')).status).toBe(404);
    expect((await admin('POST', '/extraction/accounts/suspect/confirm', undefined, 'wrong')).status).toBe(401);
  });
});
