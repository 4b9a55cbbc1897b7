/**
 * Data residency through the real gateway: the admit stage works out the allowed regions from the tenant
 * and the data-origin header, the router keeps only targets in them (fallbacks included), and refusals
 * arrive in the caller's own dialect. Which provider answered is read from the upstream model name the
 * fakes received (eu-model, us-model, cn-model).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import { type Harness, startHarness } from '../gateway/harness.js';

let h: Harness;
/** The us provider has its own upstream, so the eu one can fail alone. */
let usFake: FakeOpenAI;
const keys: Record<string, string> = {};

beforeAll(async () => {
  usFake = await startFakeOpenAI();
  h = await startHarness(({ openai, anthropic }) => ({
    // These tests are about limits, storage and faults; content inspection has its own tests (and is kept
    // out of the way so detector work in progress elsewhere cannot change the outcome here).
    guards: { enabled: false },
    providers: [
      { name: 'p-eu', type: 'openai', base_url: openai, region: 'eu', api_key: 'sk-eu' },
      { name: 'p-us', type: 'openai', base_url: usFake.url, region: 'us', api_key: 'sk-us' },
      { name: 'p-cn', type: 'anthropic', base_url: anthropic, region: 'cn', api_key: 'sk-cn' },
    ],
    models: [
      // An eu model whose fallback is in the us.
      { name: 'chat-eu', provider: 'p-eu', model: 'eu-model', fallbacks: [{ provider: 'p-us', model: 'us-model' }] },
      // One public name served in three regions.
      { name: 'chat-global', provider: 'p-eu', model: 'eu-model' },
      { name: 'chat-global', provider: 'p-us', model: 'us-model' },
      { name: 'chat-global', provider: 'p-cn', model: 'cn-model' },
      { name: 'chat-us', provider: 'p-us', model: 'us-model' },
    ],
    limits: {
      residency: {
        // EU personal data stays in the eu; data of Chinese origin stays in cn; US data may also go to the eu.
        origins: { eu: ['eu'], cn: ['cn'], us: ['us', 'eu'] },
        tenants: { 'tenant-eu': ['eu'], 'tenant-world': ['eu', 'us', 'cn'] },
      },
    },
  }));
  for (const t of ['tenant-eu', 'tenant-world', 'tenant-free']) keys[t] = await h.newKey(t);
});
afterAll(async () => {
  await h?.close();
  await usFake?.close();
});
beforeEach(() => {
  for (const f of [h.openai, h.anthropic, usFake]) {
    f.setBehaviour({});
    f.requests.length = 0;
  }
});

interface Answer {
  status: number;
  body: {
    type?: string;
    model?: string;
    error?: { code?: string; type?: string; message?: string; param?: string | null };
  };
}

async function openai(tenant: string, model: string, origin?: string): Promise<Answer> {
  const res = await fetch(`${h.base}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${keys[tenant]}`,
      'content-type': 'application/json',
      ...(origin !== undefined ? { 'x-portcullis-data-origin': origin } : {}),
    },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'where does this go' }] }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function anthropic(tenant: string, model: string, origin?: string): Promise<Answer> {
  const res = await fetch(`${h.base}/v1/messages`, {
    method: 'POST',
    headers: {
      'x-api-key': keys[tenant]!,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      ...(origin !== undefined ? { 'x-portcullis-data-origin': origin } : {}),
    },
    body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: 'user', content: 'where does this go' }] }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** The upstream models asked, in order, across both fakes. */
function upstreamModels(): string[] {
  return [...h.openai.requests, ...usFake.requests, ...h.anthropic.requests].map((r) =>
    String((r.body as { model?: string }).model),
  );
}

describe('residency routing', () => {
  it('serves an eu-bound tenant from the eu', async () => {
    const r = await openai('tenant-eu', 'chat-eu');
    expect(r.status).toBe(200);
    expect(upstreamModels()).toEqual(['eu-model']);
  });

  it('skips a fallback outside the allowed regions: eu-only data is not sent to the us when the eu fails', async () => {
    h.openai.setBehaviour({ failStatus: 500 });
    const r = await openai('tenant-eu', 'chat-eu');
    // The eu upstream's own failure (status passed through) comes back; the us fallback was never tried.
    expect(r.status).toBe(500);
    expect(r.body.error?.code).toBe('upstream_error');
    expect(upstreamModels()).toEqual(['eu-model']);
  });

  it('uses the same fallback when the data may go to the us', async () => {
    h.openai.setBehaviour({ failStatus: 500 });
    const r = await openai('tenant-world', 'chat-eu');
    expect(r.status).toBe(200);
    expect(upstreamModels()).toEqual(['eu-model', 'us-model']);
  });

  it('an origin header narrows a multi-region model to the origin’s region, every time', async () => {
    for (let i = 0; i < 8; i++) expect((await openai('tenant-world', 'chat-global', 'eu')).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await openai('tenant-world', 'chat-global', 'cn')).status).toBe(200);
    expect(upstreamModels().filter((m) => m === 'eu-model')).toHaveLength(8);
    expect(upstreamModels().filter((m) => m === 'cn-model')).toHaveLength(8);
    expect(upstreamModels()).not.toContain('us-model');
  });

  it('without any rule a multi-region model may use every region', async () => {
    for (let i = 0; i < 30; i++) expect((await openai('tenant-free', 'chat-global')).status).toBe(200);
    // Weighted 1:1:1 random order; 30 draws all missing one region has probability 3·(2/3)^30 ≈ 1.5e-5.
    expect(new Set(upstreamModels())).toEqual(new Set(['eu-model', 'us-model', 'cn-model']));
  });

  it('us-origin data may follow the us fallback of an eu model', async () => {
    h.openai.setBehaviour({ failStatus: 503 });
    const r = await openai('tenant-free', 'chat-eu', 'us');
    expect(r.status).toBe(200);
    expect(upstreamModels()).toEqual(['eu-model', 'us-model']);
  });
});

describe('residency refusals', () => {
  it('refuses cn-origin data for a model served only in the eu, in the OpenAI dialect', async () => {
    const r = await openai('tenant-free', 'chat-eu', 'cn');
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('region_not_allowed');
    expect(r.body.error?.type).toBe('permission_error');
    // The us fallback is outside cn too, so both regions are named.
    expect(r.body.error?.message).toMatch(/served only in region\(s\) eu, us/);
    expect(r.body.error?.message).toMatch(/may go only to cn/);
    expect(upstreamModels()).toEqual([]);
  });

  it('refuses the same request in the Anthropic dialect', async () => {
    const r = await anthropic('tenant-free', 'chat-us', 'eu');
    expect(r.status).toBe(403);
    expect(r.body.type).toBe('error');
    expect(r.body.error?.type).toBe('permission_error');
    expect(r.body.error?.message).toMatch(/served only in region\(s\) us; this request may go only to eu/);
    expect(upstreamModels()).toEqual([]);
  });

  it('refuses conflicting regimes (an eu-bound tenant sending data of Chinese origin), naming both rules', async () => {
    for (const r of [
      await openai('tenant-eu', 'chat-global', 'cn'),
      await anthropic('tenant-eu', 'chat-global', 'cn'),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.error?.message).toMatch(/no region satisfies every residency rule/);
      expect(r.body.error?.message).toMatch(/tenant tenant-eu → eu/);
      expect(r.body.error?.message).toMatch(/data origin cn → cn/);
    }
    expect(upstreamModels()).toEqual([]);
  });

  it('refuses an origin with no rule, listing the known ones', async () => {
    const r = await openai('tenant-world', 'chat-global', 'atlantis');
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('region_not_allowed');
    expect(r.body.error?.message).toMatch(/"atlantis" has no residency rule; known origins: eu, cn, us/);
    expect(upstreamModels()).toEqual([]);
  });

  it('an eu-bound tenant cannot reach a us-only model, whatever header it sends', async () => {
    expect((await openai('tenant-eu', 'chat-us')).status).toBe(403);
    expect((await openai('tenant-eu', 'chat-us', 'us')).status).toBe(403);
    expect(upstreamModels()).toEqual([]);
  });
});
