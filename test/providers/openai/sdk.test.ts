/**
 * The official `openai` SDK against a tiny server built only from this dialect's parse and render
 * functions: if the SDK accepts what we render (and we accept what it sends), real clients will too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../../src/core/chat.js';
import { PortcullisError } from '../../../src/core/errors.js';
import {
  createChatCompletionsStreamRenderer,
  createResponsesStreamRenderer,
  parseChatCompletionsRequest,
  parseResponsesRequest,
  renderChatCompletion,
  renderOpenAIError,
  renderResponse,
} from '../../../src/providers/openai/index.js';

/** What the "model" answers: a tool call when tools are offered, else the last user text reversed. */
function answer(req: ChatRequest): { resp: ChatResponse; events: StreamEvent[] } {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
  const userText = lastUser?.content.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? '';
  const tool = req.tools?.[0];
  const text = tool ? '' : [...userText].reverse().join('');
  const toolCalls = tool ? [{ id: 'call_42', name: tool.name, arguments: '{"city":"Paris"}' }] : [];
  const resp: ChatResponse = {
    id: 'chatcmpl-test1',
    model: req.model,
    text,
    reasoning: 'short thought',
    toolCalls,
    finishReason: tool ? 'tool_calls' : 'stop',
    usage: { inputTokens: 12, outputTokens: 5 },
    extra: {},
    extraDialect: 'openai',
  };
  const events: StreamEvent[] = [
    { type: 'start', id: 'chatcmpl-test1', model: req.model },
    { type: 'reasoning', text: 'short ' },
    { type: 'reasoning', text: 'thought' },
  ];
  for (let i = 0; i < text.length; i += 3) events.push({ type: 'text', text: text.slice(i, i + 3) });
  if (tool) {
    events.push({ type: 'tool_call', index: 0, id: 'call_42', name: tool.name });
    for (const piece of ['{"ci', 'ty":"Pa', 'ris"}']) events.push({ type: 'tool_args', index: 0, delta: piece });
  }
  events.push({ type: 'finish', reason: resp.finishReason });
  events.push({ type: 'usage', usage: resp.usage });
  if (userText === 'fail midway')
    events.splice(4, events.length, { type: 'error', status: 502, message: 'upstream broke' });
  return { resp, events };
}

const seen: ChatRequest[] = [];
let server: Server;
let client: OpenAI;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        const isResponses = req.url === '/v1/responses';
        const parsed = isResponses ? parseResponsesRequest(body) : parseChatCompletionsRequest(body);
        seen.push(parsed);
        const { resp, events } = answer(parsed);
        if (!parsed.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(isResponses ? renderResponse(resp, { request: parsed }) : renderChatCompletion(resp)));
          return;
        }
        const renderer = isResponses
          ? createResponsesStreamRenderer({
              id: 'resp_abc',
              model: parsed.model,
              created: 1_700_000_000,
              request: parsed,
            })
          : createChatCompletionsStreamRenderer({
              id: 'chatcmpl-test1',
              model: parsed.model,
              created: 1_700_000_000,
              includeUsage: parsed.streamUsage === true,
            });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const ev of events) for (const s of renderer.render(ev)) res.write(s);
        for (const s of renderer.end()) res.write(s);
        res.end();
      } catch (err) {
        const e = err instanceof PortcullisError ? err : new PortcullisError('PCX_INTERNAL', String(err));
        res.writeHead(e.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(renderOpenAIError(e)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'pcx-test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather by city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe('official SDK: chat.completions', () => {
  it('non-stream: the SDK request parses and the rendered answer is accepted', async () => {
    const r = await client.chat.completions.create({
      model: 'gw-model',
      messages: [
        { role: 'developer', content: 'Be terse.' },
        { role: 'user', content: 'abcdef' },
      ],
      max_completion_tokens: 20,
      seed: 3,
    });
    const req = seen.at(-1)!;
    expect(req.system).toEqual(['Be terse.']);
    expect(req.maxTokens).toBe(20);
    expect(req.extra).toEqual({ seed: 3 });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('gw-model');
    expect(r.choices[0]!.message.content).toBe('fedcba');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  it('non-stream with tools: tool calls come back', async () => {
    const r = await client.chat.completions.create({
      model: 'gw-model',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    expect(seen.at(-1)!.tools).toEqual([
      { name: 'get_weather', description: 'Weather by city', parameters: weatherTool.function.parameters },
    ]);
    const call = r.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toBe('call_42');
    expect(call.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(r.choices[0]!.message.content).toBeNull();
  });

  it('stream: chunks reassemble into the answer, with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gw-model',
      messages: [{ role: 'user', content: 'hello world' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const c = chunk.choices[0];
      if (c?.delta.content) text += c.delta.content;
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('dlrow olleh');
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  it('stream helper: tool-call arguments streamed in pieces accumulate', async () => {
    const runner = client.chat.completions.stream({
      model: 'gw-model',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherTool],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.arguments).toBe('{"city":"Paris"}');
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('a mid-stream error surfaces as an APIError in the SDK', async () => {
    const stream = await client.chat.completions.create({
      model: 'gw-model',
      messages: [{ role: 'user', content: 'fail midway' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow(/upstream broke/);
  });

  it('an invalid request becomes a BadRequestError with the param', async () => {
    const err = await client.chat.completions
      .create({ model: 'gw-model', messages: [{ role: 'user', content: 'x' }], temperature: 7 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.param).toBe('temperature');
    expect(e.code).toBe('invalid_request');
    expect(e.type).toBe('invalid_request_error');
  });
});

describe('official SDK: responses', () => {
  it('non-stream: output_text and usage', async () => {
    const r = await client.responses.create({
      model: 'gw-model',
      instructions: 'Be terse.',
      input: 'abc',
      max_output_tokens: 30,
    });
    const req = seen.at(-1)!;
    expect(req.system).toEqual(['Be terse.']);
    expect(req.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'abc' }] }]);
    expect(req.maxTokens).toBe(30);
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(r.output_text).toBe('cba');
    expect(r.usage?.input_tokens).toBe(12);
    expect(r.usage?.output_tokens).toBe(5);
    expect(r.usage?.total_tokens).toBe(17);
  });

  it('non-stream with tools: a function_call item', async () => {
    const r = await client.responses.create({
      model: 'gw-model',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'weather?' }] }],
      tools: [{ type: 'function', name: 'get_weather', parameters: weatherTool.function.parameters, strict: false }],
    });
    const call = r.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({
      type: 'function_call',
      call_id: 'call_42',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
  });

  it('stream: create({stream:true}) yields the official event sequence with increasing sequence numbers', async () => {
    const stream = await client.responses.create({ model: 'gw-model', input: 'hey you', stream: true });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      seqs.push(ev.sequence_number);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    expect(text).toBe('uoy yeh');
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    // reasoning item first, then the message item
    const order = types.filter((t) => t.startsWith('response.output_item') || t.startsWith('response.content_part'));
    expect(order).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.content_part.done',
      'response.output_item.done',
    ]);
  });

  it('stream helper: responses.stream().finalResponse() accumulates text and function-call arguments', async () => {
    const s1 = client.responses.stream({ model: 'gw-model', input: 'stream me' });
    const r1 = await s1.finalResponse();
    expect(r1.output_text).toBe('em maerts');
    expect(r1.status).toBe('completed');
    const s2 = client.responses.stream({
      model: 'gw-model',
      input: 'weather?',
      tools: [{ type: 'function', name: 'get_weather', parameters: weatherTool.function.parameters, strict: false }],
    });
    const r2 = await s2.finalResponse();
    expect(r2.output.find((o) => o.type === 'function_call')).toMatchObject({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      call_id: 'call_42',
    });
    expect(r2.usage?.total_tokens).toBe(17);
  });

  it('multi-turn input with a function call and its output parses into one assistant turn and a tool message', async () => {
    await client.responses.create({
      model: 'gw-model',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(seen.at(-1)!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ]);
  });
});
