import { describe, expect, it } from 'vitest';
import { bodyToChatRequest } from '../../../src/extraction/convert.js';
import { extractFeatures } from '../../../src/extraction/features/extract.js';
import { findMarkers } from '../../../src/extraction/features/markers.js';
import { networkOf } from '../../../src/extraction/features/network.js';
import { jaccard, minhash, skeletonTokens } from '../../../src/extraction/features/text.js';

const base = { ts: Date.parse('2026-11-01T00:00:00Z'), account: 'a', ip: '203.0.113.7' };

describe('skeleton', () => {
  it('abstracts numbers, names inside a sentence and quoted spans', () => {
    expect(skeletonTokens('Natalia sold 48 clips to "her best friends" in April.')).toEqual([
      'natalia',
      'sold',
      '#',
      'clips',
      'to',
      'Q',
      'in',
      'N',
    ]);
  });
  it('gives two fillings of one template the same fixed parts', () => {
    const a = skeletonTokens('Solve the problem. Show your work. Problem: Tom has 3 apples and Ann gives him 4.');
    const b = skeletonTokens('Solve the problem. Show your work. Problem: Joe has 12 pears and Bob gives him 9.');
    // The first 7 tokens are fixed; "Tom"/"Joe" open a sentence, so they stay words (not names).
    expect(a.slice(0, 7)).toEqual(b.slice(0, 7));
    expect(a.slice(8, 10)).toEqual(b.slice(8, 10));
  });
  it('estimates high similarity for shared templates and low for unrelated prompts', () => {
    const tpl = (q: string) =>
      `Please answer the question below in detail, explaining your reasoning step by step and citing examples.\n\nQuestion: ${q}`;
    const s1 = minhash(skeletonTokens(tpl('what causes the seasons on earth')));
    const s2 = minhash(skeletonTokens(tpl('why do cats purr when they are happy')));
    const s3 = minhash(skeletonTokens('Write a haiku about autumn leaves falling into a quiet river at dusk'));
    expect(jaccard(s1, s2)).toBeGreaterThan(0.3);
    expect(jaccard(s1, s3)).toBeLessThan(0.15);
  });
});

describe('markers', () => {
  it('tells strong reasoning requests from the zero-shot trigger', () => {
    expect(findMarkers('Explain your reasoning before giving the final answer.')).toMatchObject({
      cotStrong: true,
      cotWeak: false,
    });
    expect(findMarkers("Q: 2+2?\nLet's think step by step.")).toMatchObject({ cotStrong: false, cotWeak: true });
    expect(findMarkers('What is the capital of France?')).toMatchObject({
      cotStrong: false,
      cotWeak: false,
      outputMax: false,
    });
  });
  it('finds output maximisation with numbers abstracted', () => {
    expect(findMarkers('Write at least 2000 words on this.').outputMax).toBe(true);
  });
  it('looks only at the ends of a very long text', () => {
    const middle = `${'filler words here. '.repeat(400)}show your reasoning ${'more filler text. '.repeat(400)}`;
    expect(findMarkers(middle).cotStrong).toBe(false);
  });
});

describe('network', () => {
  it('groups IPv4 by /24 and IPv6 by /48', () => {
    expect(networkOf('198.51.100.1')).toBe(networkOf('198.51.100.254'));
    expect(networkOf('198.51.100.1')).not.toBe(networkOf('198.51.101.1'));
    expect(networkOf('2001:db8:1::1')).toBe(networkOf('2001:0db8:0001:ffff::2'));
    expect(networkOf('2001:db8:1::1')).not.toBe(networkOf('2001:db8:2::1'));
    expect(networkOf('::ffff:198.51.100.9')).toBe(networkOf('198.51.100.1'));
  });
});

describe('bodyToChatRequest', () => {
  it('reads OpenAI chat bodies with parameters', () => {
    const r = bodyToChatRequest('/v1/chat/completions', {
      model: 'm',
      messages: [
        { role: 'developer', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
      max_completion_tokens: 50,
      logprobs: true,
      top_logprobs: 3,
      n: 2,
      reasoning_effort: 'high',
    })!;
    expect(r.system).toEqual(['sys']);
    expect(r.messages).toHaveLength(1);
    expect(r).toMatchObject({ maxTokens: 50, logprobs: true, topLogprobs: 3, n: 2 });
    expect(r.extra.reasoning_effort).toBe('high');
  });
  it('reads Anthropic bodies (system blocks, thinking)', () => {
    const r = bodyToChatRequest('/v1/messages', {
      model: 'c',
      max_tokens: 100,
      system: [{ type: 'text', text: 'be brief' }],
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'text', text: 'a' }] },
        { role: 'user', content: 'q2' },
      ],
    })!;
    expect(r.system).toEqual(['be brief']);
    expect(r.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(r.maxTokens).toBe(100);
  });
  it('reads Responses and legacy completions bodies', () => {
    const r = bodyToChatRequest('/v1/responses', {
      input: 'x',
      instructions: 'sys',
      max_output_tokens: 9,
      top_logprobs: 2,
    })!;
    expect(r).toMatchObject({ system: ['sys'], maxTokens: 9, logprobs: true });
    const c = bodyToChatRequest('/v1/completions', { prompt: ['a', 'b'], logprobs: 5 })!;
    expect(c.messages[0]!.content).toEqual([{ type: 'text', text: 'a\nb' }]);
    expect(c.topLogprobs).toBe(5);
  });
  it('tolerates wrong types instead of throwing', () => {
    expect(bodyToChatRequest('/v1/chat/completions', 'nope')).toBeNull();
    const r = bodyToChatRequest('/v1/chat/completions', {
      messages: 'x',
      max_tokens: 'big',
      temperature: null,
      n: {},
    })!;
    expect(r.messages).toEqual([]);
    expect(r.maxTokens).toBeUndefined();
  });
});

describe('extractFeatures', () => {
  it('measures depth, parameters and reasoning requests without keeping text', () => {
    const f = extractFeatures({
      ...base,
      path: '/v1/chat/completions',
      body: {
        messages: [
          { role: 'user', content: 'Solve 2+2. Show your work.' },
          { role: 'assistant', content: '4' },
          { role: 'user', content: 'Now 3+3, explain your reasoning' },
        ],
        logprobs: true,
        top_logprobs: 5,
        reasoning_effort: 'high',
      },
      response: { status: 200, outputTokens: 40, finishReason: 'length' },
    });
    expect(f.depth).toBe(1);
    expect(f.cotStrong).toBe(true);
    expect(f.reasoningParam).toBe(true);
    expect(f.logprobs).toBe(true);
    expect(f.finishLength).toBe(true);
    const json = JSON.stringify({ ...f, minhash: Array.from(f.minhash) });
    expect(json).not.toContain('Solve');
    expect(json).not.toContain('explain');
  });
  it('marks reasoning asked only by the system prompt as such', () => {
    const f = extractFeatures({
      ...base,
      path: '/v1/messages',
      body: { system: 'Always show your work.', messages: [{ role: 'user', content: 'What is 7*8?' }] },
    });
    expect(f.cotStrong).toBe(true);
    expect(f.cotSystemOnly).toBe(true);
  });
  it('handles an empty or non-object body', () => {
    const f = extractFeatures({ ...base, body: 42 });
    expect(f.depth).toBe(0);
    expect(f.skeletonLength).toBe(0);
  });
});
