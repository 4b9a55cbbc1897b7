/**
 * The "Translation between dialects" and "Request headers" sections of docs/api.md, checked through a real
 * gateway in front of fake upstreams: what each upstream receives for a cross-dialect request, what is
 * dropped (and recorded), what is refused, and how the Responses API and embeddings are handled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canaryInstruction, generateCanaryToken } from '../../src/guards/canary/token.js';
import { countText } from '../../src/providers/tokens.js';
import { type Harness, startHarness } from '../gateway/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    models: [
      { name: 'gpt-test', provider: 'fake-openai', model: 'fake-model' },
      { name: 'gpt-via-anthropic', provider: 'fake-anthropic', model: 'fake-claude' },
      { name: 'claude-via-openai', provider: 'fake-openai', model: 'fake-model' },
      { name: 'embed-test', provider: 'fake-openai', model: 'fake-embed', kind: 'embeddings' },
      { name: 'embed-anthropic', provider: 'fake-anthropic', model: 'fake-claude', kind: 'embeddings' },
    ],
  });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.openai.setBehaviour({});
  h.anthropic.setBehaviour({});
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.key}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

type Json = Record<string, unknown>;
const lastBody = (fake: { requests: Array<{ body: unknown }> }) => fake.requests.at(-1)!.body as Json;

/** The audit entry of one request (committed first), as a string. */
async function auditEntryOf(requestId: string): Promise<string> {
  await h.gw.audit.flush();
  const leaves = await h.gw.audit.entries(0, h.gw.audit.size);
  const hit = leaves.find((l) => l.leaf.includes(`"request_id":${JSON.stringify(requestId)}`));
  if (!hit) throw new Error(`no audit entry for ${requestId}`);
  return hit.leaf;
}

describe('OpenAI client → Anthropic upstream', () => {
  it('translates system, stop, user, tool_choice, caps temperature, adds max_tokens, drops what Anthropic lacks', async () => {
    const r = await post(
      '/v1/chat/completions',
      {
        model: 'gpt-via-anthropic',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'developer', content: 'be kind' },
          { role: 'user', content: 'hello' },
        ],
        temperature: 1.5,
        stop: ['END'],
        user: 'u-1',
        logprobs: true,
        top_logprobs: 2,
        logit_bias: { '50256': -100 },
        seed: 7,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
        tool_choice: 'required',
      },
      { 'x-request-id': 'docs-translate-1' },
    );
    expect(r.status).toBe(200);
    const up = lastBody(h.anthropic);
    // The guards append a fresh canary line to the system prompt (docs/api.md, docs/security.md).
    expect(up.system).toMatch(/^be brief\n\nbe kind\n\n<!-- pcx-canary:[a-z0-9]{16} -->\n/);
    expect(up.temperature).toBe(1);
    expect(up.stop_sequences).toEqual(['END']);
    expect(up.metadata).toEqual({ user_id: 'u-1' });
    expect(up.max_tokens).toBe(4096);
    expect(up.tool_choice).toEqual({ type: 'any' });
    for (const k of ['n', 'logprobs', 'top_logprobs', 'logit_bias', 'seed', 'stop', 'user']) {
      expect(up[k], k).toBeUndefined();
    }
    const entry = await auditEntryOf('docs-translate-1');
    expect(entry).toContain(
      'provider \\"fake-anthropic\\" (anthropic) cannot take: logprobs, top_logprobs, logit_bias, temperature>1, seed',
    );
  });

  it('an Anthropic thinking block comes back as reasoning_content', async () => {
    h.anthropic.setBehaviour({ text: 'done', thinking: 'let me think' });
    const r = await post('/v1/chat/completions', {
      model: 'gpt-via-anthropic',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.status).toBe(200);
    const msg = r.json().choices[0].message;
    expect(msg.content).toBe('done');
    expect(msg.reasoning_content).toBe('let me think');
  });
});

describe('Anthropic client → OpenAI-compatible upstream', () => {
  it('translates system, stop_sequences, metadata.user_id, max_tokens; drops Anthropic-only fields', async () => {
    const r = await post('/v1/messages', {
      model: 'claude-via-openai',
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 100,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-2' },
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      service_tier: 'auto',
    });
    expect(r.status).toBe(200);
    expect(r.json().type).toBe('message');
    const up = lastBody(h.openai);
    const system = (up.messages as Json[]).filter((m) => m.role === 'system');
    expect(system.length).toBeGreaterThanOrEqual(1);
    expect(system[0]!.content).toBe('be brief');
    expect(up.stop).toEqual(['END']);
    expect(up.user).toBe('u-2');
    // Not api.openai.com: the compatible name of the token cap.
    expect(up.max_tokens).toBe(100);
    expect(up.max_completion_tokens).toBeUndefined();
    for (const k of ['top_k', 'thinking', 'service_tier', 'metadata', 'stop_sequences', 'system']) {
      expect(up[k], k).toBeUndefined();
    }
  });

  it('refuses content blocks the canonical form does not model (document, thinking history) with unsupported_request', async () => {
    const before = h.openai.requests.length;
    const doc = await post('/v1/messages', {
      model: 'claude-via-openai',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'a memo' } },
            { type: 'text', text: 'summarise' },
          ],
        },
      ],
    });
    expect(doc.status).toBe(400);
    expect(doc.headers.get('x-portcullis-error')).toBe('PCX_UNSUPPORTED');
    expect(doc.json().error.type).toBe('invalid_request_error');
    const thinking = await post('/v1/messages', {
      model: 'claude-via-openai',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'hello' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
    });
    expect(thinking.status).toBe(400);
    expect(thinking.headers.get('x-portcullis-error')).toBe('PCX_UNSUPPORTED');
    expect(h.openai.requests.length).toBe(before);
  });
});

describe('Responses API (stateless, sent upstream as Chat Completions)', () => {
  it('refuses previous_response_id, conversation, prompt and background', async () => {
    for (const [field, value] of [
      ['previous_response_id', 'resp_1'],
      ['conversation', 'conv_1'],
      ['prompt', { id: 'pmpt_1' }],
      ['background', true],
    ] as const) {
      const r = await post('/v1/responses', { model: 'gpt-test', input: 'hi', [field]: value });
      expect(r.status, field).toBe(400);
      expect(r.json().error.code, field).toBe('unsupported_request');
      expect(r.json().error.param, field).toBe(field);
    }
  });

  it('maps reasoning.effort, text.format and text.verbosity; ignores include and truncation', async () => {
    const r = await post('/v1/responses', {
      model: 'gpt-test',
      input: 'hi',
      instructions: 'be brief',
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } }, verbosity: 'low' },
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
    });
    expect(r.status).toBe(200);
    expect(h.openai.requests.at(-1)!.path).toBe('/v1/chat/completions');
    const up = lastBody(h.openai);
    expect(up.reasoning_effort).toBe('low');
    expect(up.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object' } },
    });
    expect(up.verbosity).toBe('low');
    expect((up.messages as Json[])[0]!.role).toBe('system');
    expect(String((up.messages as Json[])[0]!.content)).toMatch(/^be brief/);
    for (const k of ['include', 'truncation', 'reasoning', 'text', 'instructions', 'input']) {
      expect(up[k], k).toBeUndefined();
    }
  });
});

describe('embeddings', () => {
  it('refuses token-id arrays and embeddings from an Anthropic provider with unsupported_request', async () => {
    const tokens = await post('/v1/embeddings', { model: 'embed-test', input: [[1, 2, 3]] });
    expect(tokens.status).toBe(400);
    expect(tokens.json().error.code).toBe('unsupported_request');
    const anthropic = await post('/v1/embeddings', { model: 'embed-anthropic', input: 'hi' });
    expect(anthropic.status).toBe(400);
    expect(anthropic.json().error.code).toBe('unsupported_request');
  });

  it('a chat model name is not an embeddings model (model_not_found)', async () => {
    const r = await post('/v1/embeddings', { model: 'gpt-test', input: 'hi' });
    expect(r.status).toBe(404);
    expect(r.json().error.code).toBe('model_not_found');
  });
});

describe('the canary line', () => {
  it('costs about 40 tokens, as docs/api.md says', () => {
    const n = countText(canaryInstruction(generateCanaryToken()));
    expect(n).toBeGreaterThanOrEqual(35);
    expect(n).toBeLessThanOrEqual(50);
  });
});

describe('request ids', () => {
  it('a safe x-request-id is used and sent upstream; an unsafe one is replaced', async () => {
    const ok = await post(
      '/v1/chat/completions',
      { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-request-id': 'trace.42:a-b_c' },
    );
    expect(ok.headers.get('x-request-id')).toBe('trace.42:a-b_c');
    expect(h.openai.requests.at(-1)!.headers['x-request-id']).toBe('trace.42:a-b_c');
    const bad = await post(
      '/v1/chat/completions',
      { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-request-id': 'evil id\twith spaces' },
    );
    expect(bad.headers.get('x-request-id')).toMatch(/^req_[A-Za-z0-9_-]{16}$/);
  });
});
