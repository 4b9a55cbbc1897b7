import { describe, expect, it } from 'vitest';
import { extractionSchema } from '../../src/config/extraction.js';
import type { ChatRequest } from '../../src/core/chat.js';
import { PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange } from '../../src/core/exchange.js';
import { bodyToChatRequest } from '../../src/extraction/convert.js';
import { createExtractionDefence } from '../../src/extraction/defence.js';
import { harvestLine } from './helpers.js';

function exchange(chat: ChatRequest, tenant: string): Exchange {
  const ex = createExchange({
    id: `ex-${Math.random()}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '198.51.100.10', userAgent: 'python-httpx/0.27.2', headers: {} },
    signal: new AbortController().signal,
    request: { kind: 'chat', chat },
  });
  ex.principal = { tenant, keyId: 'key_1', models: null };
  return ex;
}

function harvestChat(i: number): ChatRequest {
  const chat = bodyToChatRequest('/v1/chat/completions', harvestLine(i).body)!;
  chat.logprobs = true;
  chat.topLogprobs = 5;
  chat.n = 3;
  chat.extra.reasoning_effort = 'high';
  return chat;
}

/** Sends `count` harvesting requests through stage + recorder, as the gateway would. */
async function drive(d: ReturnType<typeof createExtractionDefence>, tenant: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ex = exchange(harvestChat(i), tenant);
    try {
      await d.shapeStage(ex, async () => {});
    } catch {
      // refused requests are still recorded
    }
    ex.status = 200;
    d.recorder(ex);
  }
}

const cfg = (over: Record<string, unknown> = {}) => extractionSchema.parse(over);

describe('shape stage', () => {
  it('passes an unknown account untouched', async () => {
    const d = createExtractionDefence({ config: cfg() });
    const ex = exchange(harvestChat(0), 'fresh');
    let called = false;
    await d.shapeStage(ex, async () => {
      called = true;
    });
    expect(called).toBe(true);
    expect(ex.decisions).toEqual([]);
    expect(ex.request.kind === 'chat' && ex.request.chat.n).toBe(3);
  });

  it('blocks a flagged account with PCX_ACCOUNT_BLOCKED and records the decision', async () => {
    const d = createExtractionDefence({ config: cfg({ thresholds: { block: 0.5 } }) });
    await drive(d, 'evil', 40);
    expect(d.accounts.get('evil')!.action).toBe('block');
    const ex = exchange(harvestChat(99), 'evil');
    const err = await d.shapeStage(ex, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortcullisError);
    expect((err as PortcullisError).code).toBe('PCX_ACCOUNT_BLOCKED');
    expect(ex.decisions).toHaveLength(1);
    expect(ex.decisions[0]).toMatchObject({ stage: 'extraction', action: 'block', detector: 'extraction.profile' });
    expect(ex.decisions[0]!.reasons).toContain('cot_elicitation');
  });

  it('degrades: caps max_tokens, drops logprobs, n and reasoning, strips the reasoning channel', async () => {
    const d = createExtractionDefence({
      // Degrading also throttles (levels are cumulative); a high allowance keeps this test about degrading.
      config: cfg({
        thresholds: { throttle: null, degrade: 0.5, block: null },
        degrade: { max_tokens: 100 },
        throttle: { requests_per_minute: 100_000 },
      }),
    });
    await drive(d, 'deg', 40);
    const ex = exchange(harvestChat(99), 'deg');
    await d.shapeStage(ex, async () => {});
    const chat = (ex.request as { chat: ChatRequest }).chat;
    expect(chat.maxTokens).toBe(100);
    expect(chat.logprobs).toBeUndefined();
    expect(chat.topLogprobs).toBeUndefined();
    expect(chat.n).toBe(1);
    expect(chat.extra.reasoning_effort).toBeUndefined();
    expect(ex.decisions.map((x) => x.action)).toEqual(['degrade']);
    const f = ex.responseFilters[0]!;
    expect(f.push('reasoning', 'secret chain of thought')).toBe('');
    expect(f.push('text', 'answer')).toBe('answer');
  });

  it('throttles beyond the per-minute allowance with retryAfter', async () => {
    let t = Date.parse('2026-11-01T00:00:00Z');
    const d = createExtractionDefence({
      config: cfg({ thresholds: { throttle: 0.5, degrade: null, block: null }, throttle: { requests_per_minute: 2 } }),
      now: () => t,
    });
    await drive(d, 'thr', 40);
    t += 61_000; // the requests of drive() leave the window
    const pass = async () => {
      const ex = exchange(harvestChat(1), 'thr');
      await d.shapeStage(ex, async () => {});
      return ex;
    };
    expect((await pass()).decisions[0]!.action).toBe('throttle');
    t += 10_000;
    await pass();
    t += 10_000;
    const err = await pass().catch((e: unknown) => e);
    expect((err as PortcullisError).code).toBe('PCX_THROTTLED');
    // The oldest of the two allowed requests leaves the window 60 s after it was made: 40 s from now.
    expect((err as PortcullisError).retryAfter).toBe(40);
  });

  it('never acts on an allow-listed account, and blocks a confirmed one', async () => {
    const d = createExtractionDefence({ config: cfg({ thresholds: { block: 0.5 }, allow_accounts: ['trusted'] }) });
    await drive(d, 'trusted', 40);
    const ex = exchange(harvestChat(1), 'trusted');
    await d.shapeStage(ex, async () => {});
    expect(ex.decisions).toEqual([]);
    await d.accounts.confirm('someone');
    const ex2 = exchange(harvestChat(1), 'someone');
    await expect(d.shapeStage(ex2, async () => {})).rejects.toMatchObject({ code: 'PCX_ACCOUNT_BLOCKED' });
    const cleared = await d.accounts.clear('someone');
    expect(cleared.action).toBe('allow');
    expect(cleared.requests).toBe(0);
  });

  it('sends the alert webhook from config once, without prompt text', async () => {
    const calls: Array<{ url: string; body: string }> = [];
    const fakeFetch = (async (url: string, init: { body: string }) => {
      calls.push({ url, body: init.body });
      return new Response('ok');
    }) as unknown as typeof fetch;
    const d = createExtractionDefence({
      config: cfg({
        alert: { webhook_url: 'https://hooks.example/portcullis' },
        thresholds: { throttle: null, degrade: null, block: null },
      }),
      fetch: fakeFetch,
    });
    await drive(d, 'alerted', 40);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://hooks.example/portcullis');
    const body = JSON.parse(calls[0]!.body);
    expect(body).toMatchObject({ account: 'alerted', action: 'alert', type: 'portcullis.extraction.flagged' });
    expect(calls[0]!.body).not.toContain('Solve the following');
  });

  it('rejects a non-http webhook in the config', () => {
    expect(() => cfg({ alert: { webhook_url: 'file:///etc/passwd' } })).toThrow();
  });
});
