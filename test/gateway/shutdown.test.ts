import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('graceful shutdown', () => {
  it('finishes an in-flight stream, reports not ready, and then stops accepting', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    h.openai.setBehaviour({ text: words, chunks: 40, chunkDelayMs: 25 });
    const client = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    let text = '';
    const first = await iterator.next();
    text += first.value?.choices[0]?.delta?.content ?? '';

    const closing = h.gw.close();
    const ready = await request(`${h.base}/readyz`).catch(() => undefined);
    if (ready) {
      expect(ready.statusCode).toBe(503);
      await ready.body.dump();
    }
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      text += step.value.choices[0]?.delta?.content ?? '';
    }
    await closing;
    expect(text).toBe(words);
    await expect(request(`${h.base}/healthz`)).rejects.toThrow();
  });
});
