/**
 * Two real gateway processes (`node bin/portcullis.js serve`) sharing one PostgreSQL database and one
 * Redis: a limit is one counter for both, not one per process. Requests alternate between the processes
 * and are fired all at once, so each process sees about half the load.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import {
  adminPost,
  type ChatResult,
  chat,
  createDatabase,
  ensureBuilt,
  type GatewayProcess,
  REDIS_URL,
  spawnGateway,
  tempDir,
  waitUntil,
} from './helpers.js';

const run = randomBytes(3).toString('hex');
const T_RPM = `rpm-${run}`;
const T_CONC = `conc-${run}`;
const T_BUDGET = `budget-${run}`;
const T_TOKENS = `tokens-${run}`;

let fake: FakeOpenAI;
let held: FakeOpenAI;
let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
const gateways: GatewayProcess[] = [];
const dirs: string[] = [];
let redis: Redis;
const keys: Record<string, string> = {};

beforeAll(async () => {
  await ensureBuilt();
  fake = await startFakeOpenAI();
  held = await startFakeOpenAI({ hang: true });
  db = await createDatabase();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const shared = tempDir('pcx-scale-shared-');
  dirs.push(shared);
  const config = {
    server: { log_level: 'warn', shutdown_grace_ms: 2000 },
    // These tests are about limits, storage and faults; content inspection has its own tests (and is kept
    // out of the way so detector work in progress elsewhere cannot change the outcome here).
    guards: { enabled: false },
    providers: [
      { name: 'fake', type: 'openai', base_url: fake.url, region: 'eu', api_key: 'sk-up', timeout_ms: 60_000 },
      { name: 'held', type: 'openai', base_url: held.url, region: 'eu', api_key: 'sk-up', timeout_ms: 120_000 },
    ],
    models: [
      { name: 'm-fast', provider: 'fake', model: 'fake-model' },
      { name: 'm-held', provider: 'held', model: 'held-model' },
    ],
    limits: {
      rules: [
        { scope: 'tenant', tenant: T_RPM, requests_per_minute: 100 },
        { scope: 'tenant', tenant: T_CONC, concurrent: 5 },
        { scope: 'tenant', tenant: T_BUDGET, budget_usd_per_day: 1 },
        { scope: 'tenant', tenant: T_TOKENS, output_tokens_per_minute: 100 },
      ],
      // 1000 USD per million output tokens = 1000 micro-USD per token; input is free.
      prices: { 'm-fast': { input_per_mtok: 0, output_per_mtok: 1000 } },
      // 300 requests at once keep a 2-core machine busy for seconds; a Redis reply can wait behind that work
      // in the gateway's event loop longer than the default 500 ms command timeout (which fails closed).
      redis_command_timeout_ms: 10_000,
    },
    // Both processes sign with one key, as a production deployment would share it.
    audit: { signing_key_file: join(shared, 'signing.key') },
  };
  const env = {
    PORTCULLIS_DATABASE_URL: db.url,
    PORTCULLIS_REDIS_URL: REDIS_URL,
    PORTCULLIS_AUDIT_KEK: randomBytes(32).toString('base64'),
  };
  // One after the other: the first creates the schema and the signing key, the second finds them.
  for (const name of ['a', 'b']) {
    const dataDir = tempDir(`pcx-scale-${name}-`);
    dirs.push(dataDir);
    gateways.push(await spawnGateway({ config, dataDir, env }));
  }
  const admin = gateways[0]!.base;
  for (const t of [T_RPM, T_CONC, T_BUDGET, T_TOKENS]) {
    await adminPost(admin, '/tenants', { id: t });
    keys[t] = (await adminPost(admin, '/keys', { tenant: t })).key as string;
  }
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(gateways.map((g) => g.stop()));
  await fake?.close();
  await held?.close();
  redis?.disconnect();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

/** Fires `n` requests at once, alternating between the two processes. */
function burst(n: number, key: string, model: string, opts: Parameters<typeof chat>[3] = {}): Promise<ChatResult[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => chat(gateways[i % 2]!.base, key, model, opts)));
}

/** Counts of each outcome, e.g. `{ '200': 100, '429 budget_exceeded': 200 }`: a failure shows every outcome. */
function tally(results: readonly ChatResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    let k = r.status === 200 ? '200' : `${r.status} ${String(errorCode(r))}`;
    // Server-side failures are unexpected here: show what failed.
    if (r.status >= 500) {
      const message = String((r.body.error as { message?: string } | undefined)?.message);
      k += `: ${message.replace(/\(request [^)]*\)/, '(request …)').slice(0, 80)}`;
    }
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function errorCode(r: ChatResult): unknown {
  return (r.body.error as { code?: unknown } | undefined)?.code;
}

describe('limits shared by two gateway processes', () => {
  it('requests per minute: one bucket of 100 for both processes, refusals are 429 with Retry-After', async () => {
    const before = fake.requests.length;
    const [sec = 0, micro = 0] = (await redis.time()).map(Number);
    const startedAt = sec * 1000 + Math.floor(micro / 1000);

    const results = await burst(300, keys[T_RPM]!, 'm-fast');

    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok.length + refused.length, JSON.stringify(tally(results))).toBe(300);
    // Every admitted request reached the upstream once; no refused one did.
    expect(fake.requests.length - before).toBe(ok.length);
    // Both processes admitted some: the limit is not simply enforced by one of them.
    const okByProcess = [0, 1].map((p) => results.filter((r, i) => i % 2 === p && r.status === 200).length);
    expect(okByProcess[0]).toBeGreaterThan(0);
    expect(okByProcess[1]).toBeGreaterThan(0);

    // The bucket refills continuously (100 per minute, one token per 600 ms of Redis time), so the exact
    // number admitted is 100 plus what refilled while the burst ran. Redis keeps the time of the last take;
    // from it the exact upper bound follows. Per-process buckets would admit about 200.
    const bucket = await redis.hgetall(`pcx:{limits}:r0:t:${T_RPM}:rpm`);
    const lastTake = Number(bucket.a);
    const refilled = Math.floor(((lastTake - startedAt) * 100) / 60_000);
    expect(ok.length).toBeGreaterThanOrEqual(100);
    expect(ok.length).toBeLessThanOrEqual(100 + refilled);
    // An atomic take never leaves the shared bucket below zero.
    expect(Number(bucket.t)).toBeGreaterThanOrEqual(0);

    for (const r of refused) {
      expect(errorCode(r)).toBe('rate_limit_exceeded');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('100');
      expect(r.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    }
    for (const r of ok) {
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('100');
      expect(Number(r.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(100);
    }
  });

  it('spend budget: exactly 100 of 300 concurrent requests fit a $1 daily budget across both processes', async () => {
    // Each request reserves max_tokens × price = 10 × 1000 µ$ = $0.01, and the upstream reports exactly 10
    // output tokens, so reservations are never corrected and the budget admits exactly 100.
    fake.setBehaviour({ usage: { prompt_tokens: 3, completion_tokens: 10 } });
    try {
      const before = fake.requests.length;
      const results = await burst(300, keys[T_BUDGET]!, 'm-fast', { maxTokens: 10 });
      const refused = results.filter((r) => r.status === 429);
      expect(tally(results)).toEqual({ '200': 100, '429 budget_exceeded': 200 });
      expect(fake.requests.length - before).toBe(100);
      for (const r of refused) {
        expect(errorCode(r)).toBe('budget_exceeded');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      // The total in Redis is exactly 100 reservations of 10 000 µ$.
      const day = new Date().toISOString().slice(0, 10);
      const spent = await redis.get(`pcx:{limits}:r2:t:${T_BUDGET}:usd:d:${day}`);
      expect(Number(spent)).toBe(1_000_000);
    } finally {
      fake.setBehaviour({});
    }
  });

  it('concurrency: 5 slots shared by both processes; slots come back when the calls end', async () => {
    const settled: ChatResult[] = [];
    const all = Array.from({ length: 20 }, (_, i) =>
      chat(gateways[i % 2]!.base, keys[T_CONC]!, 'm-held').then((r) => {
        settled.push(r);
        return r;
      }),
    );
    // The upstream never answers, so admitted calls hold their slot; refusals return at once.
    await waitUntil(
      'every request to be refused or held upstream',
      async () => (settled.length + held.requests.length >= 20 ? true : undefined),
      90_000,
    );
    expect(held.requests).toHaveLength(5);
    expect(settled).toHaveLength(15);
    for (const r of settled) {
      expect(r.status).toBe(429);
      expect(errorCode(r)).toBe('rate_limit_exceeded');
      expect(r.headers.get('retry-after')).toBe('1');
      expect(String((r.body.error as { message: string }).message)).toMatch(/concurrent/);
    }
    // Cutting the upstream ends the held calls with an upstream error, which releases their slots.
    await held.close();
    const heldResults = (await Promise.all(all)).filter((r) => r.status !== 429);
    expect(heldResults).toHaveLength(5);
    for (const r of heldResults) expect(r.status).toBeGreaterThanOrEqual(500);
    // Release happens when each exchange finishes, just after its answer; wait for the slots to be free.
    await waitUntil(
      'the five slots to be released',
      async () => ((await redis.zcard(`pcx:{limits}:r1:t:${T_CONC}:conc`)) === 0 ? true : undefined),
      30_000,
    );
    const again = await burst(5, keys[T_CONC]!, 'm-fast');
    expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('output tokens: usage reconciled after an answer on one process is charged before the next on the other', async () => {
    // 100 output tokens per minute; each answer reports 90. The first answer (process A) leaves 10, the
    // second (process B, admitted because the bucket is not in debt) leaves −80, and the third (A) is refused
    // until 80 tokens have refilled: 48 s.
    fake.setBehaviour({ usage: { prompt_tokens: 3, completion_tokens: 90 } });
    const bucket = `pcx:{limits}:r3:t:${T_TOKENS}:otpm`;
    const level = async () => Number(await redis.hget(bucket, 't'));
    try {
      for (const [i, expected] of [
        [0, 10],
        [1, -80],
      ] as const) {
        const r = await chat(gateways[i]!.base, keys[T_TOKENS]!, 'm-fast');
        expect(r.status).toBe(200);
        // Reconciliation runs just after the answer: wait for it to reach Redis (it refills slowly meanwhile).
        await waitUntil(
          'the usage to be charged',
          async () => ((await level()) <= expected + 5 ? true : undefined),
          30_000,
        );
      }
      const refused = await chat(gateways[0]!.base, keys[T_TOKENS]!, 'm-fast');
      expect(refused.status).toBe(429);
      expect((refused.body.error as { message: string }).message).toMatch(/output tokens per minute/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30);
      expect(refused.headers.get('x-ratelimit-limit-tokens')).toBe('100');
      expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    } finally {
      fake.setBehaviour({});
    }
  });
});
