import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ baseURL: h.base, apiKey: h.key, maxRetries: 0 });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.openai.setBehaviour({});
  h.anthropic.setBehaviour({});
});

describe('Anthropic SDK through the gateway', () => {
  it('a message, with the system prompt and usage; the upstream sees its own key', async () => {
    const msg = await client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      system: 'you are terse',
      messages: [{ role: 'user', content: 'hello anthropic' }],
    });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'hello anthropic' });
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    const seen = h.anthropic.requests.at(-1)!;
    expect(seen.headers['x-api-key']).toBe('sk-ant-upstream-secret');
    expect(JSON.stringify(seen.body)).toContain('you are terse');
  });

  it('Bearer auth works as well as x-api-key', async () => {
    const bearer = new Anthropic({ baseURL: h.base, authToken: h.key, apiKey: null, maxRetries: 0 });
    const msg = await bearer.messages.create({
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'bearer' }],
    });
    expect(msg.content[0]).toMatchObject({ text: 'bearer' });
  });

  it('streams with the SDK helper, thinking and tool use included', async () => {
    h.anthropic.setBehaviour({
      thinking: 'let me think',
      toolUses: [{ id: 'toolu_1', name: 'lookup', input: { q: 'paris' } }],
    });
    const stream = client.messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'find paris' }],
    });
    const final = await stream.finalMessage();
    const tool = final.content.find((b) => b.type === 'tool_use');
    expect(tool).toMatchObject({ name: 'lookup', input: { q: 'paris' } });
    expect(final.stop_reason).toBe('tool_use');
  });

  it('an Anthropic client reaches a model on an OpenAI upstream, streamed and not', async () => {
    const msg = await client.messages.create({
      model: 'gpt-test',
      max_tokens: 50,
      system: 'system words',
      messages: [{ role: 'user', content: 'cross over' }],
    });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'cross over' });
    const body = h.openai.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(body.messages[0]).toMatchObject({ role: 'system' });
    const text = await client.messages
      .stream({ model: 'gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'streamed cross' }] })
      .finalText();
    expect(text).toBe('streamed cross');
  });

  it('tool results from the client are translated for an OpenAI upstream', async () => {
    await client.messages.create({
      model: 'gpt-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'rainy' }] },
      ],
    });
    const body = h.openai.requests.at(-1)!.body as { messages: Array<Record<string, unknown>> };
    const toolMsg = body.messages.find((m) => m.role === 'tool');
    expect(toolMsg).toMatchObject({ tool_call_id: 'toolu_9', content: 'rainy' });
    const assistant = body.messages.find((m) => m.role === 'assistant') as {
      tool_calls: Array<{ function: { arguments: string } }>;
    };
    expect(JSON.parse(assistant.tool_calls[0]!.function.arguments)).toEqual({ city: 'Oslo' });
  });

  it('count_tokens answers without calling the upstream', async () => {
    const before = h.anthropic.requests.length;
    const r = await client.messages.countTokens({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'count these few words please' }],
    });
    expect(r.input_tokens).toBeGreaterThan(3);
    expect(r.input_tokens).toBeLessThan(40);
    expect(h.anthropic.requests.length).toBe(before);
  });
});
