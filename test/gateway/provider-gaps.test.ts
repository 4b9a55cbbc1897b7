/**
 * First-hour gaps a gateway user hits, checked with the official SDKs through a real gateway: JSON mode on
 * the Responses API, `strict` tools, n > 1, Anthropic thinking signatures in streams, and an upstream that
 * rejects the gateway's own provider key.
 */
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  openai = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: h.base, apiKey: h.key, maxRetries: 0 });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.openai.setBehaviour({});
  h.anthropic.setBehaviour({});
});

type Json = Record<string, unknown>;
const lastOpenAIBody = () => h.openai.requests.at(-1)!.body as Json;

async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError)
      return err as InstanceType<typeof OpenAI.APIError>;
    throw err;
  }
  throw new Error('expected an API error');
}

describe('Responses API text.format json_object', () => {
  it('is accepted, sent upstream as response_format json_object and echoed in the response', async () => {
    h.openai.setBehaviour({ text: '{"ok":true}' });
    const res = await openai.responses.create({
      model: 'gpt-test',
      input: 'answer in JSON',
      text: { format: { type: 'json_object' } },
    });
    expect(res.output_text).toBe('{"ok":true}');
    expect(res.text?.format).toEqual({ type: 'json_object' });
    expect(lastOpenAIBody().response_format).toEqual({ type: 'json_object' });
  });

  it('streamed too', async () => {
    h.openai.setBehaviour({ text: '{"n":1}', chunks: 3 });
    const stream = openai.responses.stream({
      model: 'gpt-test',
      input: 'answer in JSON',
      text: { format: { type: 'json_object' } },
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('{"n":1}');
    expect(lastOpenAIBody().response_format).toEqual({ type: 'json_object' });
  });

  it('json_schema still needs its schema (400 naming the field)', async () => {
    const err = await apiError(
      openai.responses.create({
        model: 'gpt-test',
        input: 'x',
        // @ts-expect-error the schema is missing on purpose
        text: { format: { type: 'json_schema', name: 'out' } },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain('text.format.schema');
  });

  it('to an Anthropic upstream, which has no JSON mode: a clear 400 unsupported_request, nothing sent upstream', async () => {
    const before = h.anthropic.requests.length;
    for (const call of [
      openai.responses.create({ model: 'gpt-via-anthropic', input: 'x', text: { format: { type: 'json_object' } } }),
      openai.chat.completions.create({
        model: 'gpt-via-anthropic',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_object' },
      }),
    ]) {
      const err = await apiError(call);
      expect(err.status).toBe(400);
      expect(err.code).toBe('unsupported_request');
      expect(err.param).toBe('response_format');
      expect(err.message).toContain('no JSON mode');
    }
    expect(h.anthropic.requests.length).toBe(before);
  });
});

describe('strict function tools', () => {
  const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('Chat Completions: strict reaches an OpenAI upstream (and is absent when the client did not set it)', async () => {
    await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        { type: 'function', function: { name: 'a', parameters, strict: true } },
        { type: 'function', function: { name: 'b', parameters } },
      ],
    });
    const tools = lastOpenAIBody().tools as Array<{ function: Json }>;
    expect(tools[0]!.function.strict).toBe(true);
    expect('strict' in tools[1]!.function).toBe(false);
  });

  it('Responses: strict reaches the upstream and is echoed in the response', async () => {
    const res = await openai.responses.create({
      model: 'gpt-test',
      input: 'weather?',
      tools: [{ type: 'function', name: 'a', parameters, strict: true }],
    });
    const tools = lastOpenAIBody().tools as Array<{ function: Json }>;
    expect(tools[0]!.function.strict).toBe(true);
    expect((res.tools[0] as { strict: boolean }).strict).toBe(true);
  });
});

function completion(choices: Array<{ content: string; finish?: string }>): string {
  return JSON.stringify({
    id: 'chatcmpl-n',
    object: 'chat.completion',
    created: 1,
    model: 'fake-model',
    choices: choices.map((c, index) => ({
      index,
      message: { role: 'assistant', content: c.content },
      logprobs: null,
      finish_reason: c.finish ?? 'stop',
    })),
    usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
  });
}

/** Two choices interleaved chunk by chunk, as OpenAI streams n = 2. */
function interleavedStream(a: string[], b: string[]): string {
  const head = { id: 'chatcmpl-n', object: 'chat.completion.chunk', created: 1, model: 'fake-model' };
  const data = (choices: unknown[], extra: Json = {}) => `data: ${JSON.stringify({ ...head, choices, ...extra })}\n\n`;
  const out = [
    data([0, 1].map((index) => ({ index, delta: { role: 'assistant', content: '' }, finish_reason: null }))),
  ];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== undefined) out.push(data([{ index: 0, delta: { content: a[i] }, finish_reason: null }]));
    if (b[i] !== undefined) out.push(data([{ index: 1, delta: { content: b[i] }, finish_reason: null }]));
  }
  out.push(data([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  out.push(data([{ index: 1, delta: {}, finish_reason: 'length' }]));
  out.push(data([], { usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 } }));
  out.push('data: [DONE]\n\n');
  return out.join('');
}

describe('n > 1', () => {
  it('non-streamed: every choice of an OpenAI upstream comes back, with its index; n is sent upstream', async () => {
    h.openai.setBehaviour({ rawBody: completion([{ content: 'first' }, { content: 'second', finish: 'length' }]) });
    const res = await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'two please' }],
      n: 2,
    });
    expect(lastOpenAIBody().n).toBe(2);
    expect(res.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'first', 'stop'],
      [1, 'second', 'length'],
    ]);
  });

  it('streamed: the SDK accumulates both choices from interleaved chunks', async () => {
    h.openai.setBehaviour({
      rawBody: interleavedStream(['one ', 'two ', 'three'], ['uno ', 'dos']),
      contentType: 'text/event-stream',
    });
    const runner = openai.chat.completions.stream({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'two please' }],
      n: 2,
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'one two three', 'stop'],
      [1, 'uno dos', 'length'],
    ]);
  });

  it('the output guards cover every choice: a secret in the second choice is masked, streamed or not', async () => {
    const secret = `sk-proj-${randomBytes(48).toString('base64url').replace(/[-_]/g, 'Q')}`;
    h.openai.setBehaviour({ rawBody: completion([{ content: 'nothing here' }, { content: `key: ${secret} ok` }]) });
    const res = await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'keys' }],
      n: 2,
    });
    expect(res.choices[1]!.message.content).toContain('key:');
    expect(res.choices[1]!.message.content).not.toContain(secret.slice(8, 40));

    const pieces = `key: ${secret} ok`.match(/.{1,7}/gs)!;
    h.openai.setBehaviour({
      rawBody: interleavedStream(['nothing ', 'here'], pieces),
      contentType: 'text/event-stream',
    });
    const final = await openai.chat.completions
      .stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'keys' }], n: 2 })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('nothing here');
    expect(final.choices[1]!.message.content).toContain('key:');
    expect(final.choices[1]!.message.content).not.toContain(secret.slice(8, 40));
  });

  it('to an Anthropic upstream: 400 unsupported_request naming n, in the OpenAI dialect; n = 1 is fine', async () => {
    const before = h.anthropic.requests.length;
    for (const stream of [false, true]) {
      const err = await apiError(
        openai.chat.completions.create({
          model: 'gpt-via-anthropic',
          messages: [{ role: 'user', content: 'x' }],
          n: 3,
          stream,
        }),
      );
      expect(err.status).toBe(400);
      expect(err.code).toBe('unsupported_request');
      expect(err.param).toBe('n');
      expect(err.message).toContain('fake-anthropic');
    }
    expect(h.anthropic.requests.length).toBe(before);
    const ok = await openai.chat.completions.create({
      model: 'gpt-via-anthropic',
      messages: [{ role: 'user', content: 'x' }],
      n: 1,
    });
    expect(ok.choices).toHaveLength(1);
  });
});

describe('Anthropic thinking signatures', () => {
  it('survive a streamed answer (signature_delta) and a non-streamed one', async () => {
    h.anthropic.setBehaviour({ thinking: 'let me think it through', text: 'done' });
    const stream = anthropic.messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const final = await stream.finalMessage();
    const thinking = final.content.find((b) => b.type === 'thinking') as Anthropic.ThinkingBlock;
    expect(thinking.thinking).toBe('let me think it through');
    expect(thinking.signature).toBe('sig-fake');
    expect(final.content.find((b) => b.type === 'text')).toMatchObject({ text: 'done' });

    const whole = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect((whole.content[0] as Anthropic.ThinkingBlock).signature).toBe('sig-fake');
  });

  it('the signed thinking block can be sent back in the next turn and reaches the upstream unchanged', async () => {
    h.anthropic.setBehaviour({ text: 'ok' });
    await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 'sig-fake' },
            { type: 'text', text: 'hello' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
    });
    const sent = h.anthropic.requests.at(-1)!.body as { messages: Array<{ content: unknown }> };
    expect(sent.messages[1]!.content).toContainEqual({ type: 'thinking', thinking: 'hm', signature: 'sig-fake' });
  });
});

describe("an upstream rejecting the gateway's own provider key", () => {
  for (const status of [401, 403]) {
    it(`${status} from the OpenAI upstream: 502 upstream_auth_failed naming the provider, not the client's key`, async () => {
      h.openai.setBehaviour({
        failStatus: status,
        errorBody: { error: { message: 'Incorrect API key provided: sk-upstr*******cret', code: 'invalid_api_key' } },
      });
      for (const stream of [false, true]) {
        const err = await apiError(
          openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], stream }),
        );
        expect(err.status).toBe(502);
        expect(err.code).toBe('upstream_auth_failed');
        expect(err.message).toContain("upstream rejected the gateway's credentials");
        expect(err.message).toContain('"fake-openai"');
        expect(err.message).not.toContain('sk-upstr');
        expect(err.headers?.get('x-portcullis-error')).toBe('PCX_UPSTREAM_AUTH');
      }
    });
  }

  it('401 from the Anthropic upstream: 502 api_error in the Anthropic dialect', async () => {
    h.anthropic.setBehaviour({
      failStatus: 401,
      errorBody: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    });
    const err = (await apiError(
      anthropic.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    )) as unknown as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(502);
    const body = err.error as { type: string; error: { type: string; code: string; message: string } };
    expect(body.error.type).toBe('api_error');
    expect(body.error.code).toBe('upstream_auth_failed');
    expect(body.error.message).toContain('"fake-anthropic"');
    expect(body.error.message).not.toContain('x-api-key');
  });
});
