// Tests src/providers/tokens.ts (kept here because test/providers/tokens.test.ts is outside this area's paths).
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/core/chat.js';
import { parseMessagesRequest } from '../../../src/providers/anthropic/index.js';
import { countText, countTokens, IMAGE_TOKENS } from '../../../src/providers/tokens.js';

function req(over: Partial<ChatRequest>): ChatRequest {
  return { model: 'm', system: [], messages: [], stream: false, extra: {}, extraDialect: 'anthropic', ...over };
}

describe('countTokens', () => {
  it('counts text with the BPE tokenizer ("hello world" is two tokens)', () => {
    expect(countText('hello world')).toBe(2);
    expect(countText('')).toBe(0);
  });

  it('adds 3 tokens of framing per system entry and message, and 3 for the reply', () => {
    const r = req({
      system: ['hello world'],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello world' }] }],
    });
    expect(countTokens(r)).toBe(3 + (3 + 2) + (3 + 2));
  });

  it('counts an image at the fixed estimate and tool calls by name and arguments', () => {
    const r = req({
      messages: [
        { role: 'user', content: [{ type: 'image', url: 'https://x/y.png' }] },
        { role: 'assistant', content: [], toolCalls: [{ id: 'a', name: 'hello', arguments: 'world' }] },
      ],
    });
    expect(countTokens(r)).toBe(3 + (3 + IMAGE_TOKENS) + (3 + countText('hello') + countText('world')));
  });

  it('counts tool definitions', () => {
    const without = req({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] });
    const withTool = {
      ...without,
      tools: [{ name: 'weather', description: 'Get the weather', parameters: { type: 'object' } }],
    };
    expect(countTokens(withTool) - countTokens(without)).toBe(
      8 + countText('weather') + countText('Get the weather') + countText('{"type":"object"}'),
    );
  });

  it('treats special-token text from a client as plain text instead of throwing', () => {
    expect(countText('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('does not crash on an opaque block nested too deeply to serialise', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const r = req({ messages: [{ role: 'user', content: [{ type: 'opaque', dialect: 'anthropic', value: deep }] }] });
    expect(countTokens(r)).toBe(3 + 3);
  });

  it('counts a parsed Messages request end to end', () => {
    const r = parseMessagesRequest({
      model: 'm',
      max_tokens: 10,
      system: 'hello world',
      messages: [{ role: 'user', content: 'hello world' }],
    });
    expect(countTokens(r)).toBe(13);
  });
});
