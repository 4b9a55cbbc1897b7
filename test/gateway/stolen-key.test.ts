/**
 * Issue 11 through the real gateway: one API key used by a production app and, later, by someone else
 * (a leaked key) at about one request in ten, both with the official OpenAI SDK. Only the second client's
 * requests are degraded; the app's are served as sent, before and after the flag; the admin API shows the
 * share and the sub-stream; the webhook gets exactly one "possible stolen key" alert. Then the operator
 * rotates the key with a short grace period.
 */
import { createServer, type Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyStatesSince } from '../../src/extraction/keywatch/store.js';
import { type Harness, startHarness } from './harness.js';

const ADMIN = { authorization: 'Bearer pca_test_admin_token_0123456789', 'content-type': 'application/json' };
const APP_SYSTEM =
  "You are Acme Cloud's support assistant. Answer questions about hosting, billing and accounts politely and concisely.";
const TOPICS = ['invoice', 'password', 'domain', 'backup', 'database', 'refund', 'login', 'upgrade', 'outage', 'ssl'];
const VERBS = ['reset', 'change', 'cancel', 'move', 'restore', 'check', 'renew', 'fix', 'delete', 'export'];
const SUBJECTS = ['combinatorics', 'number theory', 'geometry', 'probability', 'graph theory', 'calculus'];

type Seen = {
  max_tokens?: number;
  max_completion_tokens?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  messages?: Array<{ role: string; content: unknown }>;
};

let h: Harness;
let hook: Server;
let hookUrl: string;
const alerts: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      alerts.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const addr = hook.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  hookUrl = `http://127.0.0.1:${addr.port}/alerts`;
  h = await startHarness({
    // The clients' own addresses reach the gateway in X-Forwarded-For (as behind a load balancer).
    server: { port: 0, log_level: 'silent', shutdown_grace_ms: 2000, trust_proxy: true },
    extraction: {
      key_watch: { action: 'degrade', min_requests: 60 },
      degrade: { max_tokens: 64 },
      // Degraded requests are also rate-limited; this test looks at the degrading only.
      throttle: { requests_per_minute: 10_000 },
      alert: { webhook_url: hookUrl },
      persist_interval_ms: 200,
    },
  });
});

afterAll(async () => {
  await h?.close();
  await new Promise((r) => hook?.close(r));
});

async function issueKey(): Promise<{ id: string; key: string }> {
  const r = await fetch(`${h.base}/admin/v1/keys`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ tenant: 'acme' }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; key: string };
}

function maxTokensSeen(s: Seen): number | undefined {
  return s.max_tokens ?? s.max_completion_tokens;
}

describe('a stolen key through the gateway (OpenAI SDK on both sides)', () => {
  it("degrades only the second client's requests on the shared key, and alerts once", async () => {
    const { id, key } = await issueKey();
    // The app: its own user agent, its servers' addresses, a fixed system prompt and ordinary params.
    const appClient = (i: number) =>
      new OpenAI({
        baseURL: `${h.base}/v1`,
        apiKey: key,
        maxRetries: 0,
        defaultHeaders: { 'user-agent': 'acme-support-backend/2.3.1', 'x-forwarded-for': `203.0.113.${1 + (i % 8)}` },
      });
    const appClients = Array.from({ length: 8 }, (_, i) => appClient(i));
    // Someone else with the same key: another program, another network, reasoning-harvest prompts
    // asking for log-probabilities and long answers.
    const thief = new OpenAI({
      baseURL: `${h.base}/v1`,
      apiKey: key,
      maxRetries: 0,
      defaultHeaders: {
        'user-agent': 'distill-harvester/0.4 python-requests/2.32',
        'x-forwarded-for': '198.51.100.77',
      },
    });

    let appDegraded = 0;
    let appSent = 0;
    const sendApp = async (i: number) => {
      const before = h.openai.requests.length;
      const res = await appClients[i % 8]!.chat.completions.create({
        model: 'gpt-test',
        messages: [
          { role: 'system', content: APP_SYSTEM },
          { role: 'user', content: `How do I ${VERBS[i % 10]} my ${TOPICS[Math.floor(i / 10) % 10]} for order ${i}?` },
        ],
        max_tokens: 800,
        temperature: 0.3,
      });
      expect(res.choices[0]?.message).toBeDefined();
      const seen = h.openai.requests[before]!.body as Seen;
      expect(seen.messages?.[0]?.content).toBe(APP_SYSTEM);
      appSent++;
      if (maxTokensSeen(seen) !== 800) appDegraded++;
    };
    const sendThief = async (i: number): Promise<boolean> => {
      const before = h.openai.requests.length;
      await thief.chat.completions.create({
        model: 'gpt-test',
        messages: [
          {
            role: 'user',
            content: `Solve this ${SUBJECTS[i % SUBJECTS.length]} problem. Think step by step and write out your complete reasoning before the final answer. Problem ${i}: how many ways are there to choose ${3 + (i % 7)} items from ${20 + i}?`,
          },
        ],
        max_tokens: 4096,
        temperature: 1,
        logprobs: true,
        top_logprobs: 5,
      });
      const seen = h.openai.requests[before]!.body as Seen;
      // Degraded: the answer capped and the log-probabilities dropped.
      const degraded = maxTokensSeen(seen) === 64 && seen.logprobs === undefined && seen.top_logprobs === undefined;
      if (!degraded) {
        expect(maxTokensSeen(seen)).toBe(4096);
        expect(seen.logprobs).toBe(true);
      }
      return degraded;
    };

    // 1. The app alone, long enough for the key's picture to be learnt.
    for (let i = 0; i < 90; i++) await sendApp(i);
    expect(appDegraded).toBe(0);
    expect(alerts).toEqual([]);

    // 2. The second client joins at one request in ten.
    const thiefOutcomes: boolean[] = [];
    let afterFlag = 0;
    for (let i = 90; i < 600 && afterFlag < 60; i++) {
      if (i % 10 === 5) thiefOutcomes.push(await sendThief(i));
      else await sendApp(i);
      if (thiefOutcomes.includes(true)) afterFlag++;
    }
    const firstDegraded = thiefOutcomes.indexOf(true);
    // The thief was served normally until the flag (the key watch needs evidence), then degraded every time.
    expect(firstDegraded).toBeGreaterThanOrEqual(1);
    expect(thiefOutcomes.slice(firstDegraded).every(Boolean)).toBe(true);
    expect(thiefOutcomes.length - firstDegraded).toBeGreaterThanOrEqual(5);
    // The app's requests on the same key were never degraded, before or after.
    expect(appSent).toBeGreaterThan(140);
    expect(appDegraded).toBe(0);

    // 3. The admin API names the sub-stream and its share of the key's traffic.
    const r = await fetch(`${h.base}/admin/v1/extraction/accounts/acme`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const v = (await r.json()) as {
      share?: number;
      substream?: { key: string; requests: number; matched: number; fingerprint: Record<string, string> };
      reasons: string[];
      action: string;
      decisions: Array<{ action: string; previous: string; reasons: string[] }>;
    };
    expect(v.reasons).toContain('key_substream_shift');
    expect(v.substream).toBeDefined();
    expect(v.substream!.matched).toBeGreaterThan(0);
    expect(v.share).toBeGreaterThan(0.03);
    expect(v.share).toBeLessThan(0.2);
    expect(Object.keys(v.substream!.fingerprint).length).toBeGreaterThan(0);
    // The account as a whole is only alerted on: the app keeps working.
    expect(v.action).toBe('alert');

    // The decision is recorded with its reasons (written to the store at the next sync).
    let decisions = v.decisions;
    for (let t = 0; t < 50 && !decisions.some((d) => d.reasons.includes('possible_stolen_key')); t++) {
      await new Promise((res) => setTimeout(res, 200));
      decisions = (
        (await (await fetch(`${h.base}/admin/v1/extraction/accounts/acme`, { headers: ADMIN })).json()) as typeof v
      ).decisions;
    }
    const flaggedDecision = decisions.filter((d) => d.reasons.includes('possible_stolen_key'));
    expect(flaggedDecision).toHaveLength(1);
    expect(flaggedDecision[0]).toMatchObject({ action: 'degrade', previous: 'allow' });
    expect(flaggedDecision[0]!.reasons).toContain('key_substream_shift');

    // The key's watch reached the store with its flag (a restart or another process finds it there).
    const stored = (await keyStatesSince(h.gw.store.db)).filter((r) => r.account === 'acme');
    expect(stored.some((r) => r.flagged)).toBe(true);

    // 4. Exactly one alert reached the webhook: "possible stolen key", with the evidence and the rotate call.
    await new Promise((res) => setTimeout(res, 300));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'portcullis.key.possibly_stolen',
      account: 'acme',
      key: id,
      response: 'degrade',
      rotate: { method: 'POST', path: `/admin/v1/keys/${id}/rotate` },
    });
    expect((alerts[0]!.substream as { fingerprint: object }).fingerprint).toEqual(v.substream!.fingerprint);
    // …and the key's usual pattern (active hours, requests per hour) from its picture.
    const usual = (alerts[0]!.substream as { usual?: { hours: number[]; requests_per_hour: number } }).usual;
    expect(usual?.hours.length).toBeGreaterThan(0);
    expect(usual?.requests_per_hour).toBeGreaterThan(0);
    // The share at the flag: the foreign-looking share of the key's traffic since the change began.
    expect(alerts[0]!.share).toBeGreaterThan(0.02);
    expect(alerts[0]!.share).toBeLessThanOrEqual(0.5);
    if (process.env.PCX_TEST_REPORT)
      console.log(
        JSON.stringify({
          thiefBeforeFlag: firstDegraded,
          thiefAfter: thiefOutcomes.length - firstDegraded,
          appSent,
          alertShare: alerts[0]!.share,
          adminShare: v.share,
          substream: v.substream,
        }),
      );
    // No prompt text in the alert.
    expect(JSON.stringify(alerts[0])).not.toContain('Acme');
    expect(JSON.stringify(alerts[0])).not.toContain('step by step');
  });

  it('rotates the key: the old one works during the grace period, then gets 401 in each dialect', async () => {
    const { id, key: oldKey } = await issueKey();
    const ask = (apiKey: string) =>
      new OpenAI({ baseURL: `${h.base}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'ping' }],
      });
    await ask(oldKey);

    const r = await fetch(`${h.base}/admin/v1/keys/${id}/rotate`, {
      method: 'POST',
      headers: ADMIN,
      body: JSON.stringify({ grace_seconds: 1 }),
    });
    expect(r.status).toBe(201);
    const rotated = (await r.json()) as { id: string; key: string; replaces: string; old_key_grace_until: string };
    expect(rotated.replaces).toBe(id);
    expect(rotated.key).not.toBe(oldKey);
    const graceUntil = Date.parse(rotated.old_key_grace_until);

    // During the grace period both keys work (the old one is checked before its grace ends).
    if (Date.now() < graceUntil - 200) expect((await ask(oldKey)).choices[0]?.message).toBeDefined();
    expect((await ask(rotated.key)).choices[0]?.message).toBeDefined();

    // After it, the old key is refused: OpenAI dialect through the SDK…
    await new Promise((res) => setTimeout(res, Math.max(0, graceUntil - Date.now()) + 250));
    const err = await ask(oldKey).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('revoked_api_key');
    // …and Anthropic dialect.
    const a = await fetch(`${h.base}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': oldKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 16, messages: [{ role: 'user', content: 'ping' }] }),
    });
    expect(a.status).toBe(401);
    expect(a.headers.get('x-portcullis-error')).toBe('PCX_KEY_REVOKED');
    expect(((await a.json()) as { type: string; error: { type: string } }).error.type).toBe('authentication_error');
    // The new key keeps working.
    expect((await ask(rotated.key)).choices[0]?.message).toBeDefined();
  });
});
