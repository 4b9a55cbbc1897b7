import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeEntry } from '../../src/audit/entry.js';
import { type Harness, startHarness } from './harness.js';

/**
 * Issue 5: with `content: full`, a streamed answer's text is recorded (encrypted) like a non-streamed
 * one. Through the real gateway with the official OpenAI SDK; the entry is decrypted and compared with
 * what the client received.
 */

let h: Harness;
let full: OpenAI;
let promptOnly: OpenAI;

beforeAll(async () => {
  h = await startHarness({ audit: { content: { default: 'none', tenants: { acme: 'full', beta: 'prompt' } } } });
  full = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: h.key, maxRetries: 0 });
  promptOnly = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: await h.newKey('beta'), maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

async function streamed(client: OpenAI, text: string): Promise<{ id: string; received: string }> {
  const stream = await client.chat.completions.create({
    model: 'gpt-test',
    stream: true,
    messages: [{ role: 'user', content: text }],
  });
  let received = '';
  let id = '';
  for await (const chunk of stream) {
    id ||= chunk.id;
    received += chunk.choices[0]?.delta?.content ?? '';
  }
  return { id, received };
}

/** The content recorded for the last exchange entry of a tenant, decrypted. */
type Recorded = {
  prompt?: unknown;
  answer?: { text?: string; tool_calls?: Array<{ name: string; arguments: string }> };
};

async function lastContent(tenant: string): Promise<Recorded | undefined> {
  await h.gw.audit.flush();
  const entries = await h.gw.audit.entries(0, h.gw.audit.size);
  const mine = entries.filter((e) => e.entry.type === 'exchange' && (e.entry as ExchangeEntry).tenant === tenant);
  const last = mine.at(-1);
  expect(last, `an exchange entry of ${tenant}`).toBeDefined();
  const entry = last!.entry as ExchangeEntry;
  // The leaf holds ciphertext only: the answer's words never appear in clear in the log.
  expect(last!.leaf.toLowerCase()).not.toContain('sphinx');
  if (!entry.content) return undefined;
  return (await h.gw.audit.readContent(last!.index)) as Recorded;
}

describe('audit content of streamed answers', () => {
  it('records the streamed answer text in full mode, encrypted, equal to what the client received', async () => {
    const text = 'Sphinx of black quartz, judge my vow: a streamed answer split into many small chunks.';
    const { received } = await streamed(full, text);
    // The fake upstream echoes the prompt in 4-character chunks.
    expect(received).toBe(text);
    const content = await lastContent('acme');
    expect(content?.answer?.text).toBe(received);
    expect(JSON.stringify(content?.prompt)).toContain('Sphinx of black quartz');
  });

  it('records the same answer shape for a non-streamed answer', async () => {
    const text = 'Sphinx again, this time in one piece.';
    const r = await full.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: text }] });
    const content = await lastContent('acme');
    expect(content?.answer?.text).toBe(r.choices[0]?.message.content);
  });

  it('records the tool calls of a streamed answer (name and arguments), as the client received them', async () => {
    h.openai.setBehaviour({
      toolCalls: [
        { id: 'call_1', name: 'transfer_funds', arguments: '{"from":"ops","to":"vendor-17","amount":9400}' },
        { id: 'call_2', name: 'delete_sphinx_records', arguments: '{"older_than_days":30}' },
      ],
    });
    try {
      const stream = await full.chat.completions.create({
        model: 'gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'pay the vendor and clean up' }],
        tools: [
          { type: 'function', function: { name: 'transfer_funds', parameters: { type: 'object' } } },
          { type: 'function', function: { name: 'delete_sphinx_records', parameters: { type: 'object' } } },
        ],
      });
      const received = new Map<number, { name: string; arguments: string }>();
      for await (const chunk of stream) {
        for (const d of chunk.choices[0]?.delta?.tool_calls ?? []) {
          const c = received.get(d.index) ?? { name: '', arguments: '' };
          c.name += d.function?.name ?? '';
          c.arguments += d.function?.arguments ?? '';
          received.set(d.index, c);
        }
      }
      expect(received.size).toBe(2);
      const content = await lastContent('acme');
      expect(content?.answer?.tool_calls).toEqual([...received.values()]);
      expect(content?.answer?.tool_calls?.[0]).toEqual({
        name: 'transfer_funds',
        arguments: '{"from":"ops","to":"vendor-17","amount":9400}',
      });
    } finally {
      h.openai.setBehaviour({});
    }
  });

  it('records no answer for a tenant whose mode is prompt, streamed or not', async () => {
    await streamed(promptOnly, 'A sphinx prompt that is kept, with an answer that is not.');
    const content = await lastContent('beta');
    expect(content?.answer).toBeUndefined();
    expect(JSON.stringify(content?.prompt)).toContain('A sphinx prompt');
  });
});
