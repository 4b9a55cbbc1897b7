import { describe, expect, it } from 'vitest';
import type { ChatResponse, StreamEvent } from '../../../src/core/chat.js';
import { PortcullisError } from '../../../src/core/errors.js';
import {
  createChatCompletionsStreamRenderer,
  renderChatCompletion,
  renderOpenAIError,
} from '../../../src/providers/openai/index.js';

function response(over: Partial<ChatResponse> = {}): ChatResponse {
  return {
    id: 'chatcmpl-1',
    model: 'public',
    text: 'Hello!',
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 10, outputTokens: 3 },
    extra: {},
    extraDialect: 'openai',
    ...over,
  };
}

/** Parses the SSE strings back into their data payloads, checking the framing on the way. */
function payloads(frames: string[]): unknown[] {
  return frames.map((f) => {
    expect(f.startsWith('data: ')).toBe(true);
    expect(f.endsWith('\n\n')).toBe(true);
    const data = f.slice(6, -2);
    return data === '[DONE]' ? '[DONE]' : JSON.parse(data);
  });
}

describe('renderChatCompletion', () => {
  it('renders a text answer field by field', () => {
    const out = renderChatCompletion(response(), 1_700_000_123) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['choices', 'created', 'id', 'model', 'object', 'usage']);
    expect(out.id).toBe('chatcmpl-1');
    expect(out.object).toBe('chat.completion');
    expect(out.created).toBe(1_700_000_123);
    expect(out.model).toBe('public');
    expect(out.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello!', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(out.usage).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
  });

  it('renders tool calls with null content, reasoning_content, logprobs and extras', () => {
    const out = renderChatCompletion(
      response({
        text: '',
        reasoning: 'because',
        toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"x":1}' }],
        finishReason: 'tool_calls',
        logprobs: { content: [] },
        extra: { system_fingerprint: 'fp_1', refusal: 'no' },
      }),
      1,
    ) as { choices: Array<Record<string, unknown>>; system_fingerprint?: string };
    expect(out.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: 'no',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        reasoning_content: 'because',
      },
      logprobs: { content: [] },
      finish_reason: 'tool_calls',
    });
    expect(out.system_fingerprint).toBe('fp_1');
  });

  it('maps finish reasons, with the canonical error as stop', () => {
    const fr = (r: ChatResponse['finishReason']) =>
      (renderChatCompletion(response({ finishReason: r }), 1) as { choices: Array<{ finish_reason: string }> })
        .choices[0]!.finish_reason;
    expect([fr('stop'), fr('length'), fr('tool_calls'), fr('content_filter'), fr('error')]).toEqual([
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      'stop',
    ]);
  });

  it('ignores extras from another dialect', () => {
    const out = renderChatCompletion(response({ extra: { system_fingerprint: 'x' }, extraDialect: 'anthropic' }), 1);
    expect('system_fingerprint' in out).toBe(false);
  });
});

describe('createChatCompletionsStreamRenderer', () => {
  const opts = { id: 'chatcmpl-9', model: 'public', created: 1_700_000_000, includeUsage: true };
  const envelope = { id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'public' };
  const choice = (delta: unknown, finish: string | null = null, logprobs: unknown = null) => ({
    ...envelope,
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
  });

  it('renders the exact chunk sequence for text, reasoning, tool calls, finish and usage', () => {
    const r = createChatCompletionsStreamRenderer(opts);
    const events: StreamEvent[] = [
      { type: 'start', id: 'upstream-id', model: 'upstream-model' },
      { type: 'reasoning', text: 'hmm' },
      { type: 'text', text: 'Hi' },
      { type: 'text', text: '' },
      { type: 'tool_call', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool_args', index: 0, delta: '{"a":' },
      { type: 'tool_args', index: 0, delta: '1}' },
      { type: 'logprobs', value: { content: [{ token: 'Hi' }] } },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 2 } },
    ];
    const frames = events.flatMap((e) => r.render(e)).concat(r.end());
    expect(payloads(frames)).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ reasoning_content: 'hmm' }),
      choice({ content: 'Hi' }),
      choice({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      choice({}, null, { content: [{ token: 'Hi' }] }),
      choice({}, 'tool_calls'),
      { ...envelope, choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } },
      '[DONE]',
    ]);
  });

  it('sends the role chunk even without a start event, and no usage chunk unless asked', () => {
    const r = createChatCompletionsStreamRenderer({ ...opts, includeUsage: false });
    const frames = [
      ...r.render({ type: 'text', text: 'x' }),
      ...r.render({ type: 'finish', reason: 'length' }),
      ...r.render({ type: 'usage', usage: { inputTokens: 1, outputTokens: 1 } }),
      ...r.end(),
    ];
    expect(payloads(frames)).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'x' }),
      choice({}, 'length'),
      '[DONE]',
    ]);
  });

  it('escapes text that would break the JSON or the SSE framing', () => {
    const r = createChatCompletionsStreamRenderer(opts);
    const hostile = 'a"b\\c\n\ndata: [DONE]\r\n\u2028';
    const frames = [...r.render({ type: 'text', text: hostile }), ...r.end()];
    expect(payloads(frames)[1]).toEqual(choice({ content: hostile }));
    // The only blank lines are the frame terminators.
    expect(frames.join('').split('\n\n').length).toBe(frames.length + 1);
  });

  it('renders a mid-stream error as an error chunk, and nothing after end()', () => {
    const r = createChatCompletionsStreamRenderer(opts);
    const frames = [
      ...r.render({ type: 'text', text: 'x' }),
      ...r.render({ type: 'error', status: 429, message: 'slow down' }),
    ];
    expect(payloads(frames).at(-1)).toEqual({
      error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'upstream_error' },
    });
    expect(payloads(r.end())).toEqual(['[DONE]']);
    expect(r.end()).toEqual([]);
    expect(r.render({ type: 'text', text: 'late' })).toEqual([]);
  });
});

describe('renderOpenAIError', () => {
  it('renders the catalogue entry in the OpenAI error shape', () => {
    const err = new PortcullisError('PCX_INVALID_REQUEST', 'messages[2].content: bad', {
      param: 'messages[2].content',
    });
    expect(renderOpenAIError(err)).toEqual({
      error: {
        message: 'messages[2].content: bad',
        type: 'invalid_request_error',
        param: 'messages[2].content',
        code: 'invalid_request',
      },
    });
    expect(renderOpenAIError(new PortcullisError('PCX_RATE_LIMITED', 'wait'))).toEqual({
      error: { message: 'wait', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
  });
});
