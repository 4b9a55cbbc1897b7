/**
 * The whole dialect composed the way the gateway will compose it: the official SDK → a tiny server that
 * parses with this dialect, calls the adapter against the fake upstream, and renders the answer back.
 * It is a reference for the gateway wiring as much as a test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerSchema } from '../../../src/config/providers.js';
import { PortcullisError } from '../../../src/core/errors.js';
import type { ProviderAdapter } from '../../../src/providers/adapter.js';
import {
  createChatCompletionsStreamRenderer,
  createOpenAIAdapter,
  createResponsesStreamRenderer,
  parseChatCompletionsRequest,
  parseResponsesRequest,
  renderChatCompletion,
  renderOpenAIError,
  renderResponse,
} from '../../../src/providers/openai/index.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai.js';

let fake: FakeOpenAI;
let adapter: ProviderAdapter;
let server: Server;
let client: OpenAI;
const target = { provider: 'up', upstreamModel: 'upstream-model', region: 'eu', weight: 1 };

beforeAll(async () => {
  fake = await startFakeOpenAI();
  adapter = createOpenAIAdapter(
    providerSchema.parse({ name: 'up', type: 'openai', base_url: fake.url, api_key: 'sk-upstream', region: 'eu' }),
  );
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const ac = new AbortController();
      res.on('close', () => ac.abort());
      try {
        const responses = req.url === '/v1/responses';
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        const chat = responses ? parseResponsesRequest(body) : parseChatCompletionsRequest(body);
        const opts = { signal: ac.signal, requestId: 'req-1' };
        if (!chat.stream) {
          const answer = await adapter.chat(chat, target, opts);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(responses ? renderResponse(answer, { request: chat }) : renderChatCompletion(answer)));
          return;
        }
        const events = await adapter.stream(chat, target, opts);
        const created = Math.floor(Date.now() / 1000);
        const renderer = responses
          ? createResponsesStreamRenderer({ id: 'resp_1', model: chat.model, created, request: chat })
          : createChatCompletionsStreamRenderer({
              id: 'chatcmpl-1',
              model: chat.model,
              created,
              includeUsage: chat.streamUsage === true,
            });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for await (const ev of events) for (const s of renderer.render(ev)) res.write(s);
        for (const s of renderer.end()) res.write(s);
        res.end();
      } catch (err) {
        const e = err instanceof PortcullisError ? err : new PortcullisError('PCX_INTERNAL', 'internal error');
        res.writeHead(e.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(renderOpenAIError(e)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new OpenAI({
    apiKey: 'pcx-client-key',
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await adapter.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await fake.close();
});

describe('SDK → dialect → adapter → fake upstream', () => {
  it('chat, non-stream: the upstream sees the upstream model and its own key, the client the public model', async () => {
    fake.setBehaviour({});
    const r = await client.chat.completions.create({
      model: 'public-model',
      messages: [{ role: 'user', content: 'ping <PERSON_1>' }],
    });
    expect(r.choices[0]!.message.content).toBe('ping <PERSON_1>');
    expect(r.model).toBe('public-model');
    const sent = fake.requests.at(-1)!;
    expect((sent.body as { model: string }).model).toBe('upstream-model');
    expect(sent.headers.authorization).toBe('Bearer sk-upstream');
  });

  it('chat, stream with tool calls: the SDK helper reassembles the arguments', async () => {
    fake.setBehaviour({
      text: '',
      toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"portcullis"}' }],
      argChunks: 5,
    });
    const final = await client.chat.completions
      .stream({
        model: 'public-model',
        messages: [{ role: 'user', content: 'look it up' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({ name: 'lookup', arguments: '{"q":"portcullis"}' });
    // 3 words in, 0 words out, counted by the fake
    expect(final.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 0 });
  });

  it('responses, stream: text streamed from a Chat Completions upstream arrives as a Responses answer', async () => {
    fake.setBehaviour({ text: 'streamed through', chunks: 6 });
    const final = await client.responses.stream({ model: 'public-model', input: 'anything' }).finalResponse();
    expect(final.output_text).toBe('streamed through');
    expect(final.model).toBe('public-model');
  });

  it('an upstream 429 reaches the SDK as a RateLimitError with the upstream message', async () => {
    fake.setBehaviour({ failStatus: 429, errorBody: { error: { message: 'slow down, please' } } });
    const err = await client.chat.completions
      .create({ model: 'public-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).message).toContain('slow down, please');
    fake.setBehaviour({});
  });
});
