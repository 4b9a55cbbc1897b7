import { describe, expect, it } from 'vitest';
import type { ChatResponse, StreamEvent } from '../../../src/core/chat.js';
import { createMessagesStreamRenderer, renderMessage } from '../../../src/providers/anthropic/index.js';
import { SseParser } from '../../../src/providers/sse.js';

function response(over: Partial<ChatResponse> = {}): ChatResponse {
  return {
    id: 'msg_1',
    model: 'public-model',
    text: 'Hello',
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 12, outputTokens: 5 },
    extra: {},
    extraDialect: 'openai',
    ...over,
  };
}

describe('renderMessage', () => {
  it('renders a text answer in the documented Message shape', () => {
    expect(renderMessage(response())).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'public-model',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
  });

  it('orders thinking, text, then tool_use blocks with parsed input', () => {
    const out = renderMessage(
      response({
        reasoning: 'hmm',
        text: 'Let me check.',
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
        finishReason: 'tool_calls',
      }),
    );
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'hmm', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
    ]);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('maps each finish reason', () => {
    expect(renderMessage(response({ finishReason: 'length' })).stop_reason).toBe('max_tokens');
    expect(renderMessage(response({ finishReason: 'content_filter' })).stop_reason).toBe('refusal');
    const viaStop = renderMessage(response({ extra: { stop_sequence: 'END' }, extraDialect: 'anthropic' }));
    expect(viaStop.stop_reason).toBe('stop_sequence');
    expect(viaStop.stop_sequence).toBe('END');
  });

  it('keeps an Anthropic thinking signature and gives unparseable tool arguments an empty input', () => {
    const out = renderMessage(
      response({
        text: '',
        reasoning: 'r',
        extra: { thinking_signature: 'sig' },
        extraDialect: 'anthropic',
        toolCalls: [{ id: 'a', name: 'f', arguments: '{"cut off' }],
        finishReason: 'length',
      }),
    );
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'r', signature: 'sig' },
      { type: 'tool_use', id: 'a', name: 'f', input: {} },
    ]);
  });
});

/** Parses the renderer's SSE output back into (event name, JSON data) pairs. */
function events(chunks: string[]): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const p = new SseParser();
  const msgs = [...p.push(chunks.join('')), ...p.end()];
  return msgs.map((m) => ({ event: m.event, data: JSON.parse(m.data) as Record<string, unknown> }));
}

describe('createMessagesStreamRenderer', () => {
  it('emits the documented event sequence for thinking, text and a tool call', () => {
    const r = createMessagesStreamRenderer({ id: 'msg_9', model: 'pub' });
    const input: StreamEvent[] = [
      { type: 'start', id: 'up_1', model: 'upstream-model' },
      { type: 'reasoning', text: 'think ' },
      { type: 'reasoning', text: 'more' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_call', index: 0, id: 'toolu_1', name: 'get' },
      { type: 'tool_args', index: 0, delta: '{"a":' },
      { type: 'tool_args', index: 0, delta: '1}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 20, outputTokens: 9 } },
    ];
    const out = [...input.flatMap((e) => r.render(e)), ...r.end()];
    const evs = events(out);
    for (const e of evs) expect(e.data.type).toBe(e.event); // event name and data.type agree
    expect(evs.map((e) => e.data)).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_9',
          type: 'message',
          role: 'assistant',
          model: 'pub',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'think ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'more' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'get', input: {} },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 9, input_tokens: 20 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('still opens and closes the message when the answer is empty', () => {
    const r = createMessagesStreamRenderer({ id: 'm', model: 'p' });
    const evs = events([...r.render({ type: 'finish', reason: 'length' }), ...r.end()]);
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect((evs[1]!.data.delta as Record<string, unknown>).stop_reason).toBe('max_tokens');
  });

  it('ends with an error event on a mid-stream error and renders nothing after it', () => {
    const r = createMessagesStreamRenderer({ id: 'm', model: 'p' });
    const out = [
      ...r.render({ type: 'text', text: 'par' }),
      ...r.render({ type: 'error', status: 529, message: 'Overloaded' }),
      ...r.render({ type: 'text', text: 'more' }),
      ...r.end(),
    ];
    const evs = events(out);
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(evs[3]?.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('sends interleaved tool arguments to their own block', () => {
    const r = createMessagesStreamRenderer({ id: 'm', model: 'p' });
    const out = [
      ...r.render({ type: 'tool_call', index: 0, id: 'a', name: 'f' }),
      ...r.render({ type: 'tool_call', index: 1, id: 'b', name: 'g' }),
      ...r.render({ type: 'tool_args', index: 0, delta: '{}' }),
    ];
    const last = events(out).at(-1)?.data;
    expect(last).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{}' },
    });
  });
});

describe('createMessagesStreamRenderer: thinking signatures and further choices', () => {
  function render(evs: StreamEvent[]) {
    const r = createMessagesStreamRenderer({ id: 'msg_1', model: 'm' });
    const out: string[] = [];
    for (const ev of evs) out.push(...r.render(ev));
    out.push(...r.end());
    return events(out);
  }

  it('sends the signature as signature_delta right before the thinking block stops, after reasoning that came late', () => {
    const got = render([
      { type: 'start', id: 'x', model: 'm' },
      { type: 'reasoning', text: 'step one' },
      { type: 'reasoning_signature', signature: 'sig-abc' },
      { type: 'reasoning', text: ', step two' },
      { type: 'text', text: 'answer' },
      { type: 'finish', reason: 'stop' },
    ]);
    const kinds = got.map((e) => {
      const d = e.data.delta as { type?: string } | undefined;
      return d?.type ? `${e.event}:${d.type}` : e.event;
    });
    expect(kinds).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta:thinking_delta',
      'content_block_delta:thinking_delta',
      'content_block_delta:signature_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta:text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(got[4]!.data).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'sig-abc' },
    });
  });

  it('ignores events of choices after the first (a Messages answer has one)', () => {
    const got = render([
      { type: 'text', text: 'mine' },
      { type: 'text', text: 'other', choice: 1 },
      { type: 'finish', reason: 'stop', choice: 1 },
      { type: 'finish', reason: 'length' },
    ]);
    const texts = got.flatMap((e) => {
      const d = e.data.delta as { text?: string } | undefined;
      return typeof d?.text === 'string' ? [d.text] : [];
    });
    expect(texts).toEqual(['mine']);
    expect((got.at(-2)!.data.delta as { stop_reason: string }).stop_reason).toBe('max_tokens');
  });
});
