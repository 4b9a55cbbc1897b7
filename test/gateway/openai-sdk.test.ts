import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.openai.setBehaviour({});
  h.anthropic.setBehaviour({});
});

describe('OpenAI SDK through the gateway', () => {
  it('non-streamed chat completion with usage; the upstream sees its own model name and key, never the client key', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('hello there');
    expect(res.model).toBe('gpt-test');
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    const seen = h.openai.requests.at(-1)!;
    expect((seen.body as { model: string }).model).toBe('fake-model');
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-openai-secret');
    expect(JSON.stringify(seen)).not.toContain(h.key);
  });

  it('streamed chat completion with the SDK’s stream helper and usage', async () => {
    h.openai.setBehaviour({ text: 'one two three four five six', chunks: 4 });
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four five six');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('tool calls round-trip, streamed (runTools-style accumulation) and not', async () => {
    h.openai.setBehaviour({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const res = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools,
    });
    const call = res.choices[0]?.message.tool_calls?.[0] as { function: { name: string; arguments: string } };
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');

    const runner = client.chat.completions.stream({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools,
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0] as { function: { name: string; arguments: string } };
    expect(JSON.parse(streamed.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('an OpenAI client reaches a model served by an Anthropic upstream, streamed and not', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-via-anthropic',
      messages: [
        { role: 'system', content: 'sys prompt' },
        { role: 'user', content: 'translate me' },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('translate me');
    const seen = h.anthropic.requests.at(-1)!;
    expect((seen.body as { system: unknown }).system).toBeTruthy();
    expect(seen.headers['x-api-key']).toBe('sk-ant-upstream-secret');

    const stream = await client.chat.completions.create({
      model: 'gpt-via-anthropic',
      messages: [{ role: 'user', content: 'streamed across dialects' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('streamed across dialects');
  });

  it('the Responses API, streamed and not', async () => {
    const res = await client.responses.create({ model: 'gpt-test', input: 'respond please' });
    expect(res.output_text).toBe('respond please');
    const stream = client.responses.stream({ model: 'gpt-test', input: 'stream please' });
    let text = '';
    for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
    const final = await stream.finalResponse();
    expect(text).toBe('stream please');
    expect(final.output_text).toBe('stream please');
  });

  it('embeddings and the model list', async () => {
    const emb = await client.embeddings.create({ model: 'embed-test', input: ['a', 'b'] });
    expect(emb.data.length).toBe(2);
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id).sort();
    expect(ids).toEqual(['claude-test', 'embed-test', 'gpt-test', 'gpt-via-anthropic']);
  });

  it('a key limited to models sees and may use only those', async () => {
    const limited = new OpenAI({
      baseURL: `${h.base}/v1`,
      apiKey: await h.newKey('acme', ['gpt-test']),
      maxRetries: 0,
    });
    expect((await limited.models.list()).data.map((m) => m.id)).toEqual(['gpt-test']);
    const err = await limited.chat.completions
      .create({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe('model_not_allowed');
  });
});
