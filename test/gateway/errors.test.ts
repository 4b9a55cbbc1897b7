import { connect } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/store/keys.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness(({ openai, anthropic }) => ({
    providers: [
      {
        name: 'fake-openai',
        type: 'openai',
        base_url: openai,
        region: 'eu',
        api_key: 'sk-upstream-openai-secret',
        timeout_ms: 1500,
      },
      {
        name: 'fake-anthropic',
        type: 'anthropic',
        base_url: anthropic,
        region: 'us',
        api_key: 'sk-ant-upstream-secret',
      },
      { name: 'nowhere', type: 'openai', base_url: 'http://127.0.0.1:1/v1', region: 'eu' },
    ],
    models: [
      { name: 'gpt-test', provider: 'fake-openai', model: 'fake-model' },
      { name: 'claude-test', provider: 'fake-anthropic', model: 'fake-claude' },
      { name: 'dead', provider: 'nowhere', model: 'x' },
      { name: 'with-fallback', provider: 'nowhere', model: 'x', fallbacks: ['gpt-test'] },
    ],
  }));
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.openai.setBehaviour({});
  h.anthropic.setBehaviour({});
});

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request(`${h.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.key}`, ...headers },
    body,
  });
  const text = await res.body.text();
  let json: { error?: { code?: string; type?: string; message?: string; param?: string | null }; type?: string } = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.statusCode, headers: res.headers, json, text };
}

const chat = (model = 'gpt-test', content: unknown = 'hi') =>
  JSON.stringify({ model, messages: [{ role: 'user', content }] });

describe('refusals in the caller’s dialect', () => {
  it('missing, malformed, unknown, revoked and expired keys → 401 with distinct codes, never echoing the key', async () => {
    expect((await post('/v1/chat/completions', chat(), { authorization: '' })).json.error?.code).toBe(
      'missing_api_key',
    );
    const bogus = 'pcs_thisIsNotARealKeyButLooksLikeOne0123456789abc';
    const invalid = await post('/v1/chat/completions', chat(), { authorization: `Bearer ${bogus}` });
    expect(invalid.status).toBe(401);
    expect(invalid.json.error?.code).toBe('invalid_api_key');
    expect(invalid.text).not.toContain(bogus);
    const k = await h.newKey();
    const rows = await h.gw.store.db
      .selectFrom('api_keys' as never)
      .selectAll()
      .execute();
    const newest = (rows as Array<{ id: string; created_at: string | Date }>).sort(
      (a, b) => +new Date(b.created_at) - +new Date(a.created_at),
    )[0]!;
    await revokeKey(h.gw.store.db, newest.id);
    // the verifier caches good keys for a few seconds; a fresh key revoked before first use is refused at once
    expect((await post('/v1/chat/completions', chat(), { authorization: `Bearer ${k}` })).json.error?.code).toBe(
      'revoked_api_key',
    );
    const expired = await h.newKey('acme', null, new Date(Date.now() + 1000));
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post('/v1/chat/completions', chat(), { authorization: `Bearer ${expired}` })).json.error?.code).toBe(
      'expired_api_key',
    );
  });

  it('an unauthenticated caller learns nothing from validation: auth is checked before the body', async () => {
    const r = await post('/v1/chat/completions', '{"model": 5}', { authorization: '' });
    expect(r.status).toBe(401);
  });

  it('malformed JSON, invalid UTF-8, non-object bodies and deep nesting → 400', async () => {
    expect((await post('/v1/chat/completions', '{"model":')).json.error?.code).toBe('invalid_json');
    expect((await post('/v1/chat/completions', Buffer.from([0x7b, 0xff, 0x7d]))).json.error?.code).toBe('invalid_json');
    expect((await post('/v1/chat/completions', '[]')).json.error?.code).toBe('invalid_json');
    const deep = `{"model":"gpt-test","messages":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect((await post('/v1/chat/completions', deep)).status).toBe(400);
  });

  it('wrong types name the field', async () => {
    const r = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 42 }] }),
    );
    expect(r.status).toBe(400);
    expect(r.json.error?.param).toMatch(/messages/);
    const t = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-test', messages: [], temperature: 'hot' }),
    );
    expect(t.status).toBe(400);
  });

  it('a 10 MB body → 413 and the gateway stays up', async () => {
    const big = chat('gpt-test', 'x'.repeat(10 * 1024 * 1024));
    const r = await post('/v1/chat/completions', big);
    expect(r.status).toBe(413);
    expect(r.json.error?.code).toBe('request_too_large');
    expect((await post('/v1/chat/completions', chat())).status).toBe(200);
  });

  it('unknown model → 404; unreachable upstream → 502 naming the provider; fallback to the next model', async () => {
    const unknown = await post('/v1/chat/completions', chat('no-such-model'));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe('model_not_found');
    const dead = await post('/v1/chat/completions', chat('dead'));
    expect(dead.status).toBe(502);
    expect(dead.json.error?.code).toBe('upstream_unreachable');
    expect(dead.json.error?.message).toContain('nowhere');
    const fb = await post('/v1/chat/completions', chat('with-fallback', 'via fallback'));
    expect(fb.status).toBe(200);
    expect(fb.text).toContain('via fallback');
  });

  it('upstream timeout → 504; upstream errors pass through with their status', async () => {
    h.openai.setBehaviour({ hang: true });
    const slow = await post('/v1/chat/completions', chat());
    expect(slow.status).toBe(504);
    expect(slow.json.error?.code).toBe('upstream_timeout');
    h.openai.setBehaviour({
      failStatus: 400,
      errorBody: { error: { message: 'bad temperature', type: 'invalid_request_error' } },
    });
    const passed = await post('/v1/chat/completions', chat());
    expect(passed.status).toBe(400);
    expect(passed.json.error?.message).toContain('bad temperature');
    expect(passed.text).not.toContain('sk-upstream-openai-secret');
  });

  it('the Anthropic dialect gets Anthropic-shaped errors, through the official SDK', async () => {
    const client = new Anthropic({
      baseURL: h.base,
      apiKey: 'pcs_wrongwrongwrongwrongwrongwrongwrongwrongwro',
      maxRetries: 0,
    });
    const err = await client.messages
      .create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const raw = await post('/v1/messages', '{"model":', { 'x-api-key': h.key, authorization: '' });
    expect(raw.status).toBe(400);
    expect(raw.json.type).toBe('error');
    expect(raw.json.error?.type).toBe('invalid_request_error');
  });

  it('a hostile x-request-id is replaced, a safe one echoed', async () => {
    const safe = await post('/v1/chat/completions', chat(), { 'x-request-id': 'abc-123' });
    expect(safe.headers['x-request-id']).toBe('abc-123');
    const hostile = await post('/v1/chat/completions', chat(), { 'x-request-id': `a${'b'.repeat(500)}` });
    expect(hostile.headers['x-request-id']).toMatch(/^req_/);
  });

  it('a raw header-injection attempt does not split the response', async () => {
    const port = new URL(h.base).port;
    const reply = await new Promise<string>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: evil=1\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      s.on('data', (d) => {
        data += d;
      });
      s.on('end', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    expect(reply).not.toMatch(/set-cookie: evil/i);
    expect((await post('/v1/chat/completions', chat())).status).toBe(200);
  });

  it('a client that disconnects mid-stream aborts the upstream call', async () => {
    h.openai.setBehaviour({ text: 'word '.repeat(200), chunks: 200, chunkDelayMs: 20 });
    const client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-test', messages: [{ role: 'user', content: 'long' }], stream: true },
      { signal: ac.signal },
    );
    let n = 0;
    try {
      for await (const _ of stream) {
        if (++n === 3) ac.abort();
      }
    } catch {
      // the SDK may end the iteration or throw an abort error: either way the client is gone
    }
    expect(n).toBeLessThan(50);
    // the fake notices its socket closing well before its 4 s answer would have ended
    const fakeReq = h.openai.requests.at(-1)!;
    await new Promise((r) => setTimeout(r, 500));
    expect(fakeReq.aborted).toBe(true);
  });
});
