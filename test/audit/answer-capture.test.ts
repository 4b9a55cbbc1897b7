import { describe, expect, it } from 'vitest';
import { captureAnswer, capturedAnswer, MAX_CAPTURED_CHARS } from '../../src/audit/answer-capture.js';
import { contentOf } from '../../src/audit/record.js';
import { auditSchema } from '../../src/config/audit.js';
import type { StreamEvent } from '../../src/core/chat.js';
import { makeExchange } from './helpers.js';

const FULL = auditSchema.parse({ content: { default: 'full' } });
const NONE = auditSchema.parse({ content: { default: 'none', tenants: { acme: 'none' } } });

function streamed(events: StreamEvent[], config = FULL) {
  const ex = makeExchange(1);
  ex.result = { kind: 'stream', events: (async function* () {})() };
  captureAnswer(config, ex);
  for (const ev of events) for (const observe of ex.streamObservers) observe(ev);
  return ex;
}

describe('audit capture of streamed answers', () => {
  it('keeps text, reasoning and tool calls of every choice, each in its place', () => {
    const ex = streamed([
      { type: 'start', id: 'x', model: 'm' },
      { type: 'reasoning', text: 'think ' },
      { type: 'reasoning', text: 'hard' },
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' there', choice: 1 },
      { type: 'tool_call', index: 0, id: 'c0', name: 'lookup' },
      { type: 'tool_args', index: 0, delta: '{"q":' },
      { type: 'tool_call', index: 0, id: 'c9', name: 'wipe_disk', choice: 2 },
      { type: 'tool_args', index: 0, delta: '{"all":true}', choice: 2 },
      { type: 'tool_args', index: 0, delta: '"cats"}' },
      { type: 'text', text: ' world' },
      { type: 'finish', reason: 'stop' },
    ]);
    const content = JSON.parse(contentOf(ex, 'full', capturedAnswer(ex))!) as { answer: unknown };
    expect(content.answer).toEqual({
      text: 'Hello world',
      reasoning: 'think hard',
      tool_calls: [{ name: 'lookup', arguments: '{"q":"cats"}' }],
      choices: [
        { index: 1, text: ' there', tool_calls: [] },
        { index: 2, text: '', tool_calls: [{ name: 'wipe_disk', arguments: '{"all":true}' }] },
      ],
    });
  });

  it('stops keeping at the cap and says the answer was truncated', () => {
    const big = 'x'.repeat(MAX_CAPTURED_CHARS - 5);
    const ex = streamed([
      { type: 'text', text: big },
      { type: 'tool_call', index: 0, id: 'c0', name: 'run' },
      { type: 'tool_args', index: 0, delta: 'abcdefghij' },
      { type: 'tool_call', index: 1, id: 'c1', name: 'never_kept' },
    ]);
    const a = capturedAnswer(ex)!;
    expect(a.text.length + a.toolCalls.reduce((n, t) => n + t.name.length + t.arguments.length, 0)).toBe(
      MAX_CAPTURED_CHARS,
    );
    expect(a.truncated).toBe(true);
    expect(a.toolCalls.map((t) => t.name)).toEqual(['run']);
  });

  it('keeps nothing for a tenant not recording content in full', () => {
    const ex = streamed([{ type: 'text', text: 'secret answer' }], NONE);
    expect(capturedAnswer(ex)).toBeUndefined();
  });
});

describe('audit record of non-streamed answers', () => {
  it('records every choice of an n > 1 answer with its tool calls', () => {
    const ex = makeExchange(2, { answer: 'first' });
    if (ex.result?.kind !== 'chat') throw new Error('helper changed');
    ex.result.response.choices = [
      { index: 1, text: 'second', toolCalls: [{ id: 't', name: 'send', arguments: '{}' }], finishReason: 'stop' },
    ];
    const content = JSON.parse(contentOf(ex, 'full')!) as { answer: unknown };
    expect(content.answer).toEqual({
      text: 'first',
      tool_calls: [],
      choices: [{ index: 1, text: 'second', tool_calls: [{ name: 'send', arguments: '{}' }] }],
    });
  });
});
