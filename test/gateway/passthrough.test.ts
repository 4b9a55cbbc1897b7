import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  // The shape of the built-in default: one OpenAI-compatible provider and no model list.
  h = await startHarness(({ openai }) => ({
    providers: [{ name: 'local', type: 'openai', base_url: openai, region: 'local' }],
    models: [],
  }));
});
afterAll(async () => h?.close());

describe('no model list configured (the default)', () => {
  it('passes any model name to the first provider and lists the provider’s models', async () => {
    const client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi llama' }],
    });
    expect(res.choices[0]?.message.content).toBe('hi llama');
    expect((h.openai.requests.at(-1)!.body as { model: string }).model).toBe('llama3.2');
    const upstreamList = h.openai.requests.length;
    const models = await client.models.list();
    expect(h.openai.requests.length).toBe(upstreamList + 1);
    expect(h.openai.requests.at(-1)!.path).toBe('/v1/models');
    expect(models.data.length).toBeGreaterThan(0);
  });
});
