/**
 * The official @anthropic-ai/sdk against a tiny server built from this dialect's parse and render
 * functions: what the SDK sends must parse, and what we render must be accepted by the SDK, streamed or not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../../src/core/chat.js';
import { isPortcullisError } from '../../../src/core/errors.js';
import {
  createMessagesStreamRenderer,
  parseMessagesRequest,
  renderAnthropicError,
  renderMessage,
} from '../../../src/providers/anthropic/index.js';
import { splitInto } from '../../fakes/common.js';

let server: Server;
let client: Anthropic;
const seen: ChatRequest[] = [];

/** Echoes the last user text; when tools are offered, also calls the first one. */
function answer(req: ChatRequest): ChatResponse {
  const last = req.messages.at(-1);
  const text = (last?.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
  const tool = req.tools?.[0];
  return {
    id: 'msg_sdk_1',
    model: req.model,
    text: `echo: ${text}`,
    reasoning: 'considering',
    toolCalls: tool ? [{ id: 'toolu_sdk', name: tool.name, arguments: '{"city":"Oslo","days":[1,2]}' }] : [],
    finishReason: tool ? 'tool_calls' : 'stop',
    usage: { inputTokens: 21, outputTokens: 8 },
    extra: {},
    extraDialect: 'anthropic',
  };
}

function toEvents(resp: ChatResponse): StreamEvent[] {
  const out: StreamEvent[] = [{ type: 'start', id: resp.id, model: resp.model }];
  for (const p of splitInto(resp.reasoning ?? '', 3)) out.push({ type: 'reasoning', text: p });
  for (const p of splitInto(resp.text, 4)) out.push({ type: 'text', text: p });
  resp.toolCalls.forEach((c, index) => {
    out.push({ type: 'tool_call', index, id: c.id, name: c.name });
    for (const p of splitInto(c.arguments, 5)) out.push({ type: 'tool_args', index, delta: p });
  });
  out.push({ type: 'finish', reason: resp.finishReason }, { type: 'usage', usage: resp.usage });
  return out;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      try {
        const chat = parseMessagesRequest(JSON.parse(raw));
        seen.push(chat);
        const resp = answer(chat);
        if (!chat.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(renderMessage(resp)));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const r = createMessagesStreamRenderer({ id: resp.id, model: resp.model });
        for (const ev of toEvents(resp)) for (const s of r.render(ev)) res.write(s);
        for (const s of r.end()) res.write(s);
        res.end();
      } catch (err) {
        const message = isPortcullisError(err) ? err.message : String(err);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify(renderAnthropicError('invalid_request_error', message)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const tools = [
  {
    name: 'weather',
    description: 'Weather for a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

describe('official Anthropic SDK against our parse/render', () => {
  it('messages.create without streaming', async () => {
    const msg = await client.messages.create({
      model: 'claude-public',
      max_tokens: 64,
      system: 'be kind',
      messages: [{ role: 'user', content: 'hello sdk' }],
      metadata: { user_id: 'u1' },
    });
    expect(msg.type).toBe('message');
    expect(msg.model).toBe('claude-public');
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'considering', signature: '' },
      { type: 'text', text: 'echo: hello sdk' },
    ]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toEqual({ input_tokens: 21, output_tokens: 8 });
    const parsed = seen.at(-1)!;
    expect(parsed.system).toEqual(['be kind']);
    expect(parsed.user).toBe('u1');
  });

  it('messages.create with tools returns a tool_use block with a parsed input', async () => {
    const msg = await client.messages.create({
      model: 'claude-public',
      max_tokens: 64,
      tools,
      tool_choice: { type: 'tool', name: 'weather' },
      messages: [{ role: 'user', content: 'weather?' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content.at(-1)).toEqual({
      type: 'tool_use',
      id: 'toolu_sdk',
      name: 'weather',
      input: { city: 'Oslo', days: [1, 2] },
    });
    expect(seen.at(-1)!.toolChoice).toEqual({ name: 'weather' });
    expect(seen.at(-1)!.tools?.[0]?.parameters).toEqual(tools[0]!.input_schema);
  });

  it('messages.stream(...).finalMessage() accumulates thinking, text and tool input', async () => {
    const stream = client.messages.stream({
      model: 'claude-public',
      max_tokens: 64,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'prev', name: 'weather', input: { city: 'Bergen' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'prev', content: 'rain' }] },
        { role: 'user', content: 'and Oslo?' },
      ],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const msg = await stream.finalMessage();
    expect(texts.join('')).toBe('echo: and Oslo?');
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'considering', signature: '' },
      { type: 'text', text: 'echo: and Oslo?' },
      { type: 'tool_use', id: 'toolu_sdk', name: 'weather', input: { city: 'Oslo', days: [1, 2] } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage.output_tokens).toBe(8);
    expect(msg.usage.input_tokens).toBe(21);
    const parsed = seen.at(-1)!;
    expect(parsed.stream).toBe(true);
    expect(parsed.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });

  it('the SDK surfaces our error body as a typed error with our message', async () => {
    const err = await client.messages
      .create({ model: 'claude-public', max_tokens: 0, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).message).toContain('max_tokens');
  });
});
