/**
 * Checks the claims of docs/security.md that no unit test elsewhere covers end to end, on a real gateway
 * process (`bin/portcullis.js serve`, log level trace) in front of a fake OpenAI upstream:
 * - client keys, the admin token and the provider key appear in no log line, error body or audit entry,
 *   even when the upstream echoes its key back in an error;
 * - client headers cannot choose or reach the upstream (SSRF), and are not forwarded;
 * - an audit entry stays within the size the page states, however hostile the exchange.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExchangeEntry, exchangeEntry } from '../../src/audit/record.js';
import { createExchange, type Exchange } from '../../src/core/exchange.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import {
  ADMIN_TOKEN,
  adminPost,
  ensureBuilt,
  type GatewayProcess,
  spawnGateway,
  tempDir,
  waitUntil,
} from '../scale/helpers.js';
import { readDoc } from './helpers.js';

const UPSTREAM_KEY = 'sk-upstream-Zq9Xw8Vu7Ts6Rr5Qp4On3Ml2';
// A well-formed Portcullis key that was never issued.
const FORGED_KEY = `pcs_${'Forged0key1'.repeat(4)}abcdefghij`.slice(0, 47);

let fake: FakeOpenAI;
let gw: GatewayProcess;
let dir: string;
let key: string;
let keyId: string;

async function chat(headers: Record<string, string>, body: Record<string, unknown> = {}) {
  const res = await fetch(`${gw.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello' }], ...body }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeOpenAI();
  dir = tempDir('pcx-docs-sec-');
  gw = await spawnGateway({
    dataDir: dir,
    config: {
      server: { log_level: 'trace' },
      // Keys, logs and routing are under test here, not content inspection (test/guards covers that).
      guards: { enabled: false },
      providers: [{ name: 'fake', type: 'openai', base_url: fake.url, region: 'eu', api_key_env: 'FAKE_UPSTREAM_KEY' }],
      models: [{ name: 'gpt-test', provider: 'fake', model: 'fake-model' }],
    },
    env: { FAKE_UPSTREAM_KEY: UPSTREAM_KEY },
  });
  await adminPost(gw.base, '/tenants', { id: 'acme' });
  const issued = await adminPost(gw.base, '/keys', { tenant: 'acme' });
  key = issued.key as string;
  keyId = issued.id as string;
}, 180_000);

afterAll(async () => {
  await gw?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('secrets stay out of logs, errors and the audit log (docs/security.md)', () => {
  const bodies: string[] = [];

  it('serves a real key by either header; a forged key gets a 401 showing 8 characters of it', async () => {
    expect((await chat({ authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await chat({ 'x-api-key': key })).status).toBe(200);
    const forged = await chat({ authorization: `Bearer ${FORGED_KEY}` });
    bodies.push(forged.text);
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-portcullis-error')).toBe('PCX_KEY_INVALID');
    expect(forged.text).toContain(`${FORGED_KEY.slice(0, 8)}…`);
    expect(forged.text).not.toContain(FORGED_KEY.slice(0, 9));
  });

  it('the upstream received its own key, never the client key', () => {
    const auth = fake.requests.map((r) => r.headers.authorization);
    expect(auth.length).toBe(2);
    for (const a of auth) expect(a).toBe(`Bearer ${UPSTREAM_KEY}`);
    for (const r of fake.requests) expect(r.headers['x-api-key']).toBeUndefined();
  });

  it('an upstream error that echoes the provider key reaches the client with the key redacted', async () => {
    fake.setBehaviour({
      failStatus: 400,
      errorBody: { error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}`, type: 'invalid_request_error' } },
    });
    try {
      const r = await chat({ authorization: `Bearer ${key}` });
      bodies.push(r.text);
      expect(r.status).toBe(400);
      expect(r.headers.get('x-portcullis-error')).toBe('PCX_UPSTREAM_ERROR');
      expect(r.text).toContain('[redacted]');
      expect(r.text).not.toContain(UPSTREAM_KEY);
    } finally {
      fake.setBehaviour({});
    }
  });

  it('audit entries name the key id, and no entry holds a key or the admin token', async () => {
    const leaves = await waitUntil('four exchange entries to be committed', async () => {
      const res = await fetch(`${gw.base}/admin/v1/audit/entries?from=0&to=100`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const json = (await res.json()) as { entries: Array<{ leaf: string }> };
      const exchanges = json.entries.filter((e) => e.leaf.includes('"type":"exchange"'));
      return exchanges.length >= 4 ? json.entries.map((e) => e.leaf) : undefined;
    });
    const all = leaves.join('\n');
    expect(all).toContain(keyId);
    for (const secret of [key, FORGED_KEY, UPSTREAM_KEY, ADMIN_TOKEN]) expect(all).not.toContain(secret);
  });

  it('no error body holds a secret', () => {
    expect(bodies.length).toBe(2);
    for (const b of bodies) for (const s of [key, FORGED_KEY, UPSTREAM_KEY, ADMIN_TOKEN]) expect(b).not.toContain(s);
  });

  it('the process log at level trace holds no key or token, but does log the exchanges', async () => {
    const out = gw.output();
    expect(out).toContain('"msg":"exchange"');
    expect(out).toContain(keyId);
    for (const secret of [key, FORGED_KEY, UPSTREAM_KEY, ADMIN_TOKEN]) expect(out).not.toContain(secret);
  });
});

describe('client headers cannot choose the upstream (docs/security.md, SSRF)', () => {
  it('routing headers and body fields are ignored: the configured upstream answers, and gets none of them', async () => {
    const before = fake.requests.length;
    const r = await chat(
      {
        authorization: `Bearer ${key}`,
        'x-forwarded-host': '169.254.169.254',
        'x-portcullis-upstream': 'http://169.254.169.254/latest/meta-data',
        'x-upstream-url': 'http://127.0.0.1:1/',
        'x-custom-client-header': 'hello',
      },
      { base_url: 'http://169.254.169.254/' },
    );
    expect(r.status).toBe(200);
    expect(fake.requests.length).toBe(before + 1);
    const seen = fake.requests[before]!;
    expect(seen.path).toBe('/v1/chat/completions');
    for (const h of ['x-forwarded-host', 'x-portcullis-upstream', 'x-upstream-url', 'x-custom-client-header']) {
      expect(seen.headers[h], h).toBeUndefined();
    }
  });
});

describe('audit entry size is bounded (docs/security.md: ~0.4 KB plain, at most ~270 KB)', () => {
  function exchange(): Exchange {
    const ex = createExchange({
      id: 'req_7hQy2v3kZ9aB1cD4eF5gH6iJ',
      dialect: 'openai',
      endpoint: 'chat',
      client: { ip: '203.0.113.7', userAgent: 'test', headers: {} },
      signal: new AbortController().signal,
      request: { kind: 'none' },
    });
    ex.principal = { tenant: 'acme', keyId: 'key_0123456789abcdefghijkl', models: null } as Exchange['principal'];
    ex.status = 200;
    ex.usage = { inputTokens: 1234, outputTokens: 567 };
    return ex;
  }
  const size = (ex: Exchange) => Buffer.byteLength(encodeExchangeEntry(exchangeEntry(ex, Date.now())));

  it('a plain exchange is under 1 KB', () => {
    const n = size(exchange());
    expect(n).toBeGreaterThan(200);
    expect(n).toBeLessThan(1024);
  });

  it('a hostile exchange (thousands of findings and decisions, 5,000-character strings) stays under 270 KB', () => {
    const huge = 'x'.repeat(5000);
    const build = (count: number) => {
      const ex = exchange();
      (ex as { id: string }).id = huge;
      for (let i = 0; i < count; i++) {
        ex.findings.push({
          detector: huge,
          category: 'pii',
          score: 0.5,
          start: 1e9,
          end: 1e9,
          where: huge,
          reason: huge,
        });
      }
      for (let i = 0; i < count / 10; i++) {
        ex.decisions.push({ stage: huge, action: 'block', detector: huge, score: 0.5, reasons: Array(50).fill(huge) });
      }
      return ex;
    };
    const a = size(build(1000));
    const b = size(build(5000));
    // More input, same size (but for the latency field's digits): the caps hold.
    expect(Math.abs(a - b)).toBeLessThan(32);
    expect(a).toBeLessThan(270 * 1024);
  });
});

// Guard against a vacuous page: the claims tested here are the ones the page makes.
describe('docs/security.md', () => {
  it('states the bounds and the redaction this file tests', () => {
    const doc = readDoc('security.md');
    expect(doc).toContain('0.4 KB for a plain exchange');
    expect(doc).toContain('at most ~270 KB');
    expect(doc).toContain('first 8 characters');
  });
});
