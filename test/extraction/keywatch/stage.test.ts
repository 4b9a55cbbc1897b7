import { describe, expect, it } from 'vitest';
import { extractionSchema } from '../../../src/config/extraction.js';
import type { ChatRequest } from '../../../src/core/chat.js';
import { createExchange, type Exchange } from '../../../src/core/exchange.js';
import { bodyToChatRequest } from '../../../src/extraction/convert.js';
import { createExtractionDefence } from '../../../src/extraction/defence.js';
import { harvestLine } from '../helpers.js';

const APP_SYSTEM =
  "You are Acme Cloud's support assistant. Answer questions about hosting, billing and accounts politely and concisely.";
const TOPICS = ['invoice', 'password', 'domain', 'backup', 'database', 'refund', 'login', 'upgrade', 'outage', 'ssl'];
const VERBS = ['reset', 'change', 'cancel', 'move', 'restore', 'check', 'renew', 'fix', 'delete', 'export'];

function exchange(chat: ChatRequest, ip: string, ua: string): Exchange {
  const ex = createExchange({
    id: `ex-${Math.random()}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip, userAgent: ua, headers: {} },
    signal: new AbortController().signal,
    request: { kind: 'chat', chat },
  });
  ex.principal = { tenant: 'acme', keyId: 'key_prod', models: null };
  return ex;
}

/** The app: fixed system prompt, fixed parameters, its servers and SDK; varied end-user questions. */
function appChat(i: number): ChatRequest {
  const q = `How do I ${VERBS[i % 10]} my ${TOPICS[Math.floor(i / 10) % 10]} for order ${i}?`;
  return bodyToChatRequest('/v1/chat/completions', {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: APP_SYSTEM },
      { role: 'user', content: q },
    ],
    max_tokens: 800,
    temperature: 0.3,
  })!;
}

function foreignChat(i: number): ChatRequest {
  return bodyToChatRequest('/v1/chat/completions', harvestLine(i).body)!;
}

describe('key watch in the shape stage', () => {
  it('degrades only the foreign sub-stream of a flagged key; the app on the same key is untouched', async () => {
    const calls: Array<{ url: string; body: string }> = [];
    const fakeFetch = (async (url: string, init: { body: string }) => {
      calls.push({ url, body: init.body });
      return new Response('ok');
    }) as unknown as typeof fetch;
    const d = createExtractionDefence({
      config: extractionSchema.parse({
        key_watch: { action: 'degrade' },
        degrade: { max_tokens: 64 },
        alert: { webhook_url: 'https://hooks.example/portcullis' },
      }),
      fetch: fakeFetch,
    });
    const send = async (chat: ChatRequest, ip: string, ua: string): Promise<Exchange> => {
      const ex = exchange(chat, ip, ua);
      await d.shapeStage(ex, async () => {});
      ex.status = 200;
      d.recorder(ex);
      return ex;
    };
    // 400 requests of the app alone: the key's picture.
    for (let i = 0; i < 400; i++) await send(appChat(i), `203.0.113.${1 + (i % 20)}`, 'OpenAI/JS 4.73.0');
    expect(d.accounts.get('acme')?.substream).toBeUndefined();
    // Then one request in ten comes from someone else holding the key.
    let flaggedAfter = -1;
    for (let i = 0; i < 600 && flaggedAfter < 0; i++) {
      if (i % 10 === 9) await send(foreignChat(i), '198.51.100.7', 'python-httpx/0.27.2');
      else await send(appChat(400 + i), `203.0.113.${1 + (i % 20)}`, 'OpenAI/JS 4.73.0');
      if (d.accounts.get('acme')?.substream) flaggedAfter = i;
    }
    expect(flaggedAfter).toBeGreaterThanOrEqual(9);
    const v = d.accounts.get('acme')!;
    expect(v.flagged).toBe(true);
    expect(v.reasons).toContain('key_substream_shift');
    // One "possible stolen key" alert with the evidence and the rotation to run, no prompt text.
    const stolen = calls.map((c) => JSON.parse(c.body)).filter((b) => b.type === 'portcullis.key.possibly_stolen');
    expect(stolen).toHaveLength(1);
    expect(stolen[0]).toMatchObject({ account: 'acme', key: 'key_prod', response: 'degrade' });
    expect(stolen[0].rotate).toEqual({ method: 'POST', path: '/admin/v1/keys/key_prod/rotate' });
    expect(Object.keys(stolen[0].substream.fingerprint).length).toBeGreaterThan(0);
    for (const c of calls) expect(c.body).not.toContain('Acme');
    // The app's next request passes as sent (only an alert decision is recorded for the key).
    const app = await send(appChat(5000), '203.0.113.3', 'OpenAI/JS 4.73.0');
    expect(app.request.kind === 'chat' && app.request.chat.maxTokens).toBe(800);
    expect(app.decisions.map((x) => x.action)).not.toContain('degrade');
    // The foreign one is degraded, with the reason recorded.
    const foreign = await send(foreignChat(5001), '198.51.100.8', 'python-httpx/0.27.2');
    expect(foreign.request.kind === 'chat' && foreign.request.chat.maxTokens).toBe(64);
    const dec = foreign.decisions.find((x) => x.action === 'degrade');
    expect(dec?.reasons).toContain('key_substream_match');
    // Clearing the account forgets its keys' watch: the next foreign request passes as sent.
    await d.accounts.clear('acme');
    const after = await send(foreignChat(5002), '198.51.100.9', 'python-httpx/0.27.2');
    expect(after.request.kind === 'chat' && after.request.chat.maxTokens).toBe(4096);
    expect(d.accounts.get('acme')?.substream).toBeUndefined();
  });
});
