import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../../src/core/errors.js';
import { parseMessagesRequest } from '../../../src/providers/anthropic/index.js';

const base = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function invalid(body: unknown): PortcullisError {
  try {
    parseMessagesRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(PortcullisError);
    expect((err as PortcullisError).code).toBe('PCX_INVALID_REQUEST');
    expect((err as PortcullisError).status).toBe(400);
    return err as PortcullisError;
  }
  throw new Error('expected PCX_INVALID_REQUEST');
}

describe('parseMessagesRequest: valid requests', () => {
  it('parses the minimal request', () => {
    const r = parseMessagesRequest(base);
    expect(r).toEqual({
      model: 'claude-x',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      maxTokens: 100,
      stream: false,
      extra: {},
      extraDialect: 'anthropic',
    });
  });

  it('takes system as a string or as text blocks', () => {
    expect(parseMessagesRequest({ ...base, system: 'be brief' }).system).toEqual(['be brief']);
    const blocks = [
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two', cache_control: { type: 'ephemeral' } },
    ];
    expect(parseMessagesRequest({ ...base, system: blocks }).system).toEqual(['one', 'two']);
  });

  it('maps sampling fields, stop sequences, stream and metadata.user_id; top_k and unknown fields go to extra', () => {
    const r = parseMessagesRequest({
      ...base,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      stream: true,
      metadata: { user_id: 'u-42' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      service_tier: 'auto',
    });
    expect(r.temperature).toBe(0.5);
    expect(r.topP).toBe(0.9);
    expect(r.stop).toEqual(['END']);
    expect(r.stream).toBe(true);
    expect(r.user).toBe('u-42');
    expect(r.extra).toEqual({ top_k: 40, thinking: { type: 'enabled', budget_tokens: 2048 }, service_tier: 'auto' });
  });

  it('parses text, image, tool_use, tool_result and thinking blocks', () => {
    const thinking = { type: 'thinking', thinking: 'let me see', signature: 'abc' };
    const r = parseMessagesRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            thinking,
            { type: 'text', text: 'calling' },
            { type: 'tool_use', id: 't1', name: 'get', input: { q: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'result one' },
            { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'r2' }], is_error: true },
            { type: 'text', text: 'go on' },
          ],
        },
      ],
    });
    expect(r.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', data: 'AAAA', mediaType: 'image/png' },
          { type: 'image', url: 'https://example.com/a.png' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'opaque', dialect: 'anthropic', value: thinking },
          { type: 'text', text: 'calling' },
        ],
        toolCalls: [{ id: 't1', name: 'get', arguments: '{"q":1}' }],
      },
      { role: 'tool', toolCallId: 't1', content: [{ type: 'text', text: 'result one' }] },
      { role: 'tool', toolCallId: 't2', content: [{ type: 'text', text: 'r2' }], isError: true },
      { role: 'user', content: [{ type: 'text', text: 'go on' }] },
    ]);
  });

  it('parses tools and every tool_choice', () => {
    const tools = [
      { name: 'get', description: 'fetch', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
      { name: 'put', input_schema: { type: 'object' } },
    ];
    const r = parseMessagesRequest({ ...base, tools, tool_choice: { type: 'auto' } });
    expect(r.tools).toEqual([
      { name: 'get', description: 'fetch', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      { name: 'put', parameters: { type: 'object' } },
    ]);
    expect(r.toolChoice).toBe('auto');
    expect(parseMessagesRequest({ ...base, tool_choice: { type: 'any' } }).toolChoice).toBe('required');
    expect(parseMessagesRequest({ ...base, tool_choice: { type: 'none' } }).toolChoice).toBe('none');
    expect(parseMessagesRequest({ ...base, tool_choice: { type: 'tool', name: 'get' } }).toolChoice).toEqual({
      name: 'get',
    });
    const noParallel = parseMessagesRequest({
      ...base,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(noParallel.extra).toEqual({ disable_parallel_tool_use: true });
  });
});

describe('parseMessagesRequest: hostile input', () => {
  it('refuses a body that is not an object', () => {
    for (const body of [null, 'text', 42, [base]]) invalid(body);
  });

  it('requires max_tokens, model and messages', () => {
    const { max_tokens: _m, ...noMax } = base;
    expect(invalid(noMax).param).toBe('max_tokens');
    const { model: _model, ...noModel } = base;
    expect(invalid(noModel).param).toBe('model');
    expect(invalid({ ...base, messages: [] }).param).toBe('messages');
  });

  it('names the field path of a wrong type', () => {
    expect(invalid({ ...base, max_tokens: '100' }).param).toBe('max_tokens');
    expect(invalid({ ...base, max_tokens: 0 }).param).toBe('max_tokens');
    expect(invalid({ ...base, max_tokens: 1.5 }).param).toBe('max_tokens');
    expect(invalid({ ...base, temperature: 1.5 }).param).toBe('temperature');
    expect(invalid({ ...base, stream: 'yes' }).param).toBe('stream');
    expect(invalid({ ...base, stop_sequences: 'END' }).param).toBe('stop_sequences');
    expect(invalid({ ...base, metadata: { user_id: 7 } }).param).toBe('metadata.user_id');
    expect(invalid({ ...base, messages: [{ role: 'system', content: 'x' }] }).param).toBe('messages[0].role');
    expect(invalid({ ...base, messages: [{ role: 'user', content: 5 }] }).param).toBe('messages[0].content');
    const badBlock = {
      role: 'user',
      content: [
        { type: 'text', text: 'ok' },
        { type: 'text', text: 3 },
      ],
    };
    const err = invalid({ ...base, messages: [badBlock] });
    expect(err.param).toBe('messages[0].content[1].text');
    expect(err.message).toContain('messages[0].content[1].text');
  });

  it('refuses unknown block types so no content hides from the guards', () => {
    const err = invalid({ ...base, messages: [{ role: 'user', content: [{ type: 'secret_blob', text: 'x' }] }] });
    expect(err.param).toBe('messages[0].content[0].type');
  });

  it('refuses blocks in the wrong turn', () => {
    const toolUseInUser = { role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] };
    expect(invalid({ ...base, messages: [toolUseInUser] }).param).toBe('messages[0].content');
    const resultInAssistant = { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'a' }] };
    expect(invalid({ ...base, messages: [resultInAssistant] }).param).toBe('messages[0].content');
  });

  it('refuses malformed tools and tool_choice', () => {
    expect(invalid({ ...base, tools: [{ name: 'x' }] }).param).toBe('tools[0].input_schema');
    expect(invalid({ ...base, tools: [{ name: '', input_schema: {} }] }).param).toBe('tools[0].name');
    expect(invalid({ ...base, tool_choice: { type: 'tool' } }).param).toBe('tool_choice.name');
    expect(invalid({ ...base, tool_choice: 'auto' }).param).toBe('tool_choice');
  });

  it('refuses huge arrays by count', () => {
    const many = Array.from({ length: 10_001 }, () => ({ role: 'user', content: 'x' }));
    expect(invalid({ ...base, messages: many }).param).toBe('messages');
  });

  it('turns a tool input too deep to serialise into a 400, not a crash', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const msg = { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: deep }] };
    const err = invalid({ ...base, messages: [{ role: 'user', content: 'x' }, msg] });
    expect(err.param).toBe('messages[1].content');
  });
});
