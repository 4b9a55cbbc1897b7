import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamEvent } from '../../../src/core/chat.js';
import {
  AnthropicStreamTranslator,
  anthropicDroppedFields,
  parseMessageResponse,
  parseMessagesRequest,
  renderMessage,
  renderMessagesBody,
} from '../../../src/providers/anthropic/index.js';

/** What an OpenAI Chat Completions client's conversation looks like in canonical form. */
function openaiConversation(): ChatRequest {
  return {
    model: 'gpt-public',
    system: ['You are terse.', 'Answer in English.'],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }] },
      {
        role: 'assistant',
        content: [],
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_b', name: 'weather', arguments: '{"city":"Bergen"}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_a', content: [{ type: 'text', text: '3°C' }] },
      { role: 'tool', toolCallId: 'call_b', content: [{ type: 'text', text: 'failed' }], isError: true },
      { role: 'user', content: [{ type: 'image', url: 'data:image/jpeg;base64,QUJD' }] },
    ],
    tools: [
      { name: 'weather', description: 'Current weather', parameters: { properties: { city: { type: 'string' } } } },
    ],
    toolChoice: 'required',
    temperature: 1.4,
    topP: 0.8,
    stop: ['###'],
    stream: false,
    n: 3,
    logprobs: true,
    topLogprobs: 2,
    user: 'end-user-1',
    extra: { frequency_penalty: 0.5 },
    extraDialect: 'openai',
  };
}

describe('renderMessagesBody (canonical → Anthropic upstream)', () => {
  it('renders an OpenAI-dialect conversation with system, tool calls and tool results', () => {
    expect(renderMessagesBody(openaiConversation(), 'claude-up')).toEqual({
      model: 'claude-up',
      max_tokens: 4096,
      system: 'You are terse.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_a', name: 'weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'call_b', name: 'weather', input: { city: 'Bergen' } },
          ],
        },
        {
          // Two tool results and the next user turn merge into one user turn, results first.
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_a', content: [{ type: 'text', text: '3°C' }] },
            { type: 'tool_result', tool_use_id: 'call_b', content: [{ type: 'text', text: 'failed' }], is_error: true },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } },
          ],
        },
      ],
      tools: [
        {
          name: 'weather',
          description: 'Current weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
      temperature: 1,
      top_p: 0.8,
      stop_sequences: ['###'],
      metadata: { user_id: 'end-user-1' },
    });
  });

  it('reports the fields it had to drop', () => {
    expect(anthropicDroppedFields(openaiConversation())).toEqual(['logprobs', 'top_logprobs', 'temperature>1']);
    const plain = parseMessagesRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(anthropicDroppedFields(plain)).toEqual([]);
  });

  it('forwards Anthropic extra fields, but never over canonical ones', () => {
    const req = parseMessagesRequest({
      model: 'pub',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      stream: true,
    });
    req.extra.max_tokens = 999_999; // a stale client copy must not override the (possibly capped) canonical value
    const body = renderMessagesBody(req, 'up');
    expect(body.max_tokens).toBe(300);
    expect(body.top_k).toBe(5);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(body.stream).toBe(true);
    expect('disable_parallel_tool_use' in body).toBe(false);
  });

  it('round-trips an Anthropic request through the canonical shape', () => {
    const original = {
      model: 'up',
      max_tokens: 64,
      system: 'sys',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 't', signature: 's' },
            { type: 'text', text: 'a' },
            { type: 'tool_use', id: 'x', name: 'f', input: { k: [1, 2] } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'ok' }] },
      ],
      stop_sequences: ['Z'],
    };
    expect(renderMessagesBody(parseMessagesRequest(original), 'up')).toEqual({
      ...original,
      messages: [
        original.messages[0],
        original.messages[1],
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    });
  });

  it('drops empty text blocks and empty turns, which Anthropic refuses', () => {
    const req: ChatRequest = {
      model: 'm',
      system: [''],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: [{ type: 'text', text: 'again' }] },
      ],
      stream: false,
      extra: {},
      extraDialect: 'openai',
    };
    const body = renderMessagesBody(req, 'u');
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });
});

describe('parseMessageResponse (Anthropic upstream → canonical)', () => {
  it('maps text, thinking, tool_use, stop reason and usage', () => {
    const r = parseMessageResponse(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-up',
        content: [
          { type: 'thinking', thinking: 'plan', signature: 'sig1' },
          { type: 'text', text: 'Checking ' },
          { type: 'text', text: 'now.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
          { type: 'server_tool_use', id: 'ignored' },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 4 },
      },
      'anthropic-main',
    );
    expect(r).toEqual({
      id: 'msg_1',
      model: 'claude-up',
      text: 'Checking now.',
      reasoning: 'plan',
      toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 100, outputTokens: 4 },
      extra: { thinking_signature: 'sig1' },
      extraDialect: 'anthropic',
    });
  });

  it('carries redacted_thinking blocks through to an Anthropic client unchanged', () => {
    const r = parseMessageResponse(
      {
        id: 'm',
        content: [
          { type: 'thinking', thinking: 'a', signature: 's' },
          { type: 'redacted_thinking', data: 'ENCRYPTED' },
          { type: 'text', text: 'hi' },
        ],
        stop_reason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      },
      'p',
    );
    expect(r.extra).toEqual({ thinking_signature: 's', redacted_thinking: ['ENCRYPTED'] });
    expect(renderMessage(r).content).toEqual([
      { type: 'thinking', thinking: 'a', signature: 's' },
      { type: 'redacted_thinking', data: 'ENCRYPTED' },
      { type: 'text', text: 'hi' },
    ]);
  });

  it('maps max_tokens and refusal', () => {
    const base = { id: 'm', content: [], usage: { input_tokens: 1, output_tokens: 1 } };
    expect(parseMessageResponse({ ...base, stop_reason: 'max_tokens' }, 'p').finishReason).toBe('length');
    expect(parseMessageResponse({ ...base, stop_reason: 'refusal' }, 'p').finishReason).toBe('content_filter');
    expect(parseMessageResponse({ ...base, stop_reason: 'stop_sequence', stop_sequence: 'Z' }, 'p').extra).toEqual({
      stop_sequence: 'Z',
    });
  });

  it('refuses malformed answers with PCX_UPSTREAM_BAD_RESPONSE', () => {
    for (const bad of [null, [], { id: 1, content: [] }, { id: 'x' }, { id: 'x', content: [{ type: 'tool_use' }] }]) {
      expect(() => parseMessageResponse(bad, 'p')).toThrow(
        expect.objectContaining({ code: 'PCX_UPSTREAM_BAD_RESPONSE' }),
      );
    }
  });
});

describe('AnthropicStreamTranslator', () => {
  function run(messages: Array<[string, unknown]>): StreamEvent[] {
    const t = new AnthropicStreamTranslator('p');
    return messages.flatMap(([event, data]) => t.push({ event, data: JSON.stringify(data) }));
  }

  it('translates text, thinking and a tool call split across input_json_delta pieces, with usage', () => {
    const out = run([
      [
        'message_start',
        { type: 'message_start', message: { id: 'msg_s', model: 'up', usage: { input_tokens: 30, output_tokens: 1 } } },
      ],
      ['ping', { type: 'ping' }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'tu', name: 'f', input: {} } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a"' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: ':2}' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 2 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 17 } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
    expect(out).toEqual([
      { type: 'start', id: 'msg_s', model: 'up' },
      { type: 'reasoning', text: 'hm' },
      { type: 'reasoning_signature', signature: 's' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_call', index: 0, id: 'tu', name: 'f' },
      { type: 'tool_args', index: 0, delta: '{"a"' },
      { type: 'tool_args', index: 0, delta: ':2}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 30, outputTokens: 17 } },
    ]);
  });

  it('turns an error event into a canonical error with the matching status', () => {
    const out = run([['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]]);
    expect(out).toEqual([{ type: 'error', status: 529, message: 'Overloaded' }]);
  });

  it('turns malformed event data into an error event and stops', () => {
    const t = new AnthropicStreamTranslator('prov');
    expect(t.push({ event: 'content_block_delta', data: '{not json' })).toEqual([
      { type: 'error', status: 502, message: 'provider "prov" sent a malformed stream event' },
    ]);
    expect(t.done).toBe(true);
  });
});
