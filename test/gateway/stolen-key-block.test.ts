/**
 * `key_watch.action: block` through the real gateway: once the shared key is flagged, the second
 * client's requests are refused with 403 `key_substream_blocked` (a message naming the key's
 * sub-stream, not the account), while the app on the same key keeps being served.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const APP_SYSTEM = 'You are the in-app assistant of Northwind Books. Recommend books from the catalogue briefly.';
const GENRES = ['mystery', 'history', 'poetry', 'travel', 'cooking', 'science', 'fantasy', 'biography'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    server: { port: 0, log_level: 'silent', shutdown_grace_ms: 2000, trust_proxy: true },
    extraction: { key_watch: { action: 'block', min_requests: 60 } },
  });
});
afterAll(async () => h?.close());

describe('a stolen key with key_watch.action block', () => {
  it("refuses only the key's flagged sub-stream, with its own code and message", async () => {
    const app = new OpenAI({
      baseURL: `${h.base}/v1`,
      apiKey: h.key,
      maxRetries: 0,
      defaultHeaders: { 'user-agent': 'northwind-web/5.0', 'x-forwarded-for': '203.0.113.40' },
    });
    const other = new OpenAI({
      baseURL: `${h.base}/v1`,
      apiKey: h.key,
      maxRetries: 0,
      defaultHeaders: { 'user-agent': 'curl-harvest/1.0', 'x-forwarded-for': '192.0.2.200' },
    });
    const askApp = (i: number) =>
      app.chat.completions.create({
        model: 'gpt-test',
        messages: [
          { role: 'system', content: APP_SYSTEM },
          { role: 'user', content: `A good ${GENRES[i % GENRES.length]} book for a reader aged ${20 + (i % 50)}?` },
        ],
        max_tokens: 300,
        temperature: 0.7,
      });
    const askOther = (i: number) =>
      other.chat.completions.create({
        model: 'gpt-test',
        messages: [
          {
            role: 'user',
            content: `Explain in full detail, step by step, with all intermediate reasoning: proof number ${i} that there are infinitely many primes of the form ${4 + (i % 5)}k+1.`,
          },
        ],
        max_tokens: 8000,
        logprobs: true,
        top_logprobs: 10,
      });

    for (let i = 0; i < 90; i++) await askApp(i);
    let refusal: unknown;
    let servedBefore = 0;
    for (let i = 90; i < 800 && refusal === undefined; i++) {
      if (i % 10 === 3) {
        try {
          await askOther(i);
          servedBefore++;
        } catch (err) {
          refusal = err;
        }
      } else {
        const r = await askApp(i);
        expect(r.choices[0]?.message).toBeDefined();
      }
    }
    expect(servedBefore).toBeGreaterThanOrEqual(1);
    expect(refusal).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = refusal as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.code).toBe('key_substream_blocked');
    expect(e.message).toMatch(/sub-stream of this API key/);
    expect(e.message).not.toMatch(/account/);
    // The next requests of the second client are refused too; the app's are all served.
    for (let i = 0; i < 30; i++) {
      if (i % 10 === 3) await expect(askOther(1000 + i)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
      else expect((await askApp(1000 + i)).choices[0]?.message).toBeDefined();
    }
  });
});
