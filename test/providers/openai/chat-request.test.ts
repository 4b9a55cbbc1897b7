import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../../src/core/errors.js';
import { parseChatCompletionsRequest } from '../../../src/providers/openai/index.js';

function rejects(body: unknown): PortcullisError {
  try {
    parseChatCompletionsRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(PortcullisError);
    return err as PortcullisError;
  }
  throw new Error('expected the body to be rejected');
}

const user = (content: unknown) => ({ role: 'user', content });
const base = (over: Record<string, unknown>) => ({ model: 'm', messages: [user('hi')], ...over });

describe('parseChatCompletionsRequest: valid input', () => {
  it('parses every modelled field and keeps the rest in extra', () => {
    const req = parseChatCompletionsRequest({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'Dev ' },
            { type: 'text', text: 'rules.' },
          ],
        },
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'data:image/PNG;base64,iVBORw0=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'result text' },
      ],
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { '50256': -100 },
      user: 'end-user-7',
      seed: 42,
      response_format: { type: 'json_object' },
    });
    expect(req).toEqual({
      model: 'gpt-x',
      system: ['You are terse.', 'Dev rules.'],
      messages: [
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', mediaType: 'image/png', data: 'iVBORw0=' },
            { type: 'image', url: 'https://example.com/cat.jpg' },
            {
              type: 'opaque',
              dialect: 'openai',
              value: { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
            },
          ],
        },
        { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":1}' }] },
        { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'result text' }] },
      ],
      tools: [{ name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }],
      toolChoice: { name: 'lookup' },
      maxTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      stream: true,
      streamUsage: true,
      n: 2,
      logprobs: true,
      topLogprobs: 3,
      logitBias: { '50256': -100 },
      user: 'end-user-7',
      extra: { seed: 42, response_format: { type: 'json_object' } },
      extraDialect: 'openai',
    });
  });

  it('defaults: not streamed, no optional fields, empty extra', () => {
    expect(parseChatCompletionsRequest(base({}))).toEqual({
      model: 'm',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: false,
      extra: {},
      extraDialect: 'openai',
    });
  });

  it('treats explicit nulls as absent', () => {
    const req = parseChatCompletionsRequest(
      base({ temperature: null, stop: null, tools: null, user: null, max_tokens: null }),
    );
    expect(req.temperature).toBeUndefined();
    expect(req.stop).toBeUndefined();
    expect(req.tools).toBeUndefined();
    expect(req.maxTokens).toBeUndefined();
  });

  it('takes the tighter of max_tokens and max_completion_tokens', () => {
    expect(parseChatCompletionsRequest(base({ max_tokens: 500, max_completion_tokens: 80 })).maxTokens).toBe(80);
    expect(parseChatCompletionsRequest(base({ max_tokens: 60, max_completion_tokens: 80 })).maxTokens).toBe(60);
    expect(parseChatCompletionsRequest(base({ max_completion_tokens: 70 })).maxTokens).toBe(70);
  });

  it('maps the legacy functions API onto tools and tool messages', () => {
    const req = parseChatCompletionsRequest({
      model: 'm',
      messages: [
        user('weather?'),
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } },
        { role: 'function', name: 'get_weather', content: 'sunny' },
      ],
      functions: [{ name: 'get_weather', parameters: { type: 'object' } }],
      function_call: 'auto',
    });
    expect(req.tools).toEqual([{ name: 'get_weather', parameters: { type: 'object' } }]);
    expect(req.toolChoice).toBe('auto');
    expect(req.messages[1]).toEqual({
      role: 'assistant',
      content: [],
      toolCalls: [{ id: 'call_legacy_get_weather', name: 'get_weather', arguments: '{}' }],
    });
    expect(req.messages[2]).toEqual({
      role: 'tool',
      toolCallId: 'call_legacy_get_weather',
      name: 'get_weather',
      content: [{ type: 'text', text: 'sunny' }],
    });
  });

  it('keeps an assistant refusal as an opaque part', () => {
    const req = parseChatCompletionsRequest({
      model: 'm',
      messages: [user('x'), { role: 'assistant', content: 'no', refusal: 'I cannot' }],
    });
    expect(req.messages[1]!.content).toEqual([
      { type: 'text', text: 'no' },
      { type: 'opaque', dialect: 'openai', value: { type: 'refusal', refusal: 'I cannot' } },
    ]);
  });

  it('does not turn a __proto__ key into a prototype of extra', () => {
    const body = JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"polluted":true}}');
    const req = parseChatCompletionsRequest(body);
    expect(Object.getPrototypeOf(req.extra)).toBe(Object.prototype);
    expect((req.extra as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('parseChatCompletionsRequest: hostile input', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ['null body', null, undefined],
    ['array body', [], undefined],
    ['string body', 'hello', undefined],
    ['missing model', { messages: [user('x')] }, 'model'],
    ['numeric model', base({ model: 123 }), 'model'],
    ['empty model', base({ model: '' }), 'model'],
    ['missing messages', { model: 'm' }, 'messages'],
    ['empty messages', base({ messages: [] }), 'messages'],
    ['messages as string', base({ messages: 'hi' }), 'messages'],
    ['message as number', base({ messages: [5] }), 'messages[0]'],
    ['missing role', base({ messages: [{ content: 'x' }] }), 'messages[0].role'],
    ['unknown role', base({ messages: [user('a'), { role: 'wizard', content: 'x' }] }), 'messages[1].role'],
    ['numeric content', base({ messages: [user('a'), user('b'), user(5)] }), 'messages[2].content'],
    ['object content', base({ messages: [user({ text: 'x' })] }), 'messages[0].content'],
    [
      'text part with numeric text',
      base({ messages: [user([{ type: 'text', text: 5 }])] }),
      'messages[0].content[0].text',
    ],
    ['part without type', base({ messages: [user([{ text: 'x' }])] }), 'messages[0].content[0].type'],
    ['deeply nested content', base({ messages: [user([[[[[['x']]]]]])] }), 'messages[0].content[0]'],
    [
      'image part without url',
      base({ messages: [user([{ type: 'image_url', image_url: {} }])] }),
      'messages[0].content[0].image_url.url',
    ],
    [
      'system with image part',
      base({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }),
      'messages[0].content[0].type',
    ],
    [
      'tool without tool_call_id',
      base({ messages: [user('a'), { role: 'tool', content: 'r' }] }),
      'messages[1].tool_call_id',
    ],
    [
      'tool call arguments as object',
      base({
        messages: [
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] },
        ],
      }),
      'messages[0].tool_calls[0].function.arguments',
    ],
    ['custom tool', base({ tools: [{ type: 'custom', custom: { name: 'x' } }] }), 'tools[0].type'],
    ['tool without name', base({ tools: [{ type: 'function', function: {} }] }), 'tools[0].function.name'],
    [
      'tool parameters as string',
      base({ tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] }),
      'tools[0].function.parameters',
    ],
    ['unknown tool_choice', base({ tool_choice: 'sometimes' }), 'tool_choice'],
    ['temperature as string', base({ temperature: '0.5' }), 'temperature'],
    ['temperature too high', base({ temperature: 3 }), 'temperature'],
    ['top_p too high', base({ top_p: 1.5 }), 'top_p'],
    ['negative max_tokens', base({ max_tokens: -1 }), 'max_tokens'],
    ['fractional max_completion_tokens', base({ max_completion_tokens: 1.5 }), 'max_completion_tokens'],
    ['five stop sequences', base({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop'],
    ['stop as number', base({ stop: 5 }), 'stop'],
    ['n of zero', base({ n: 0 }), 'n'],
    ['stream as string', base({ stream: 'yes' }), 'stream'],
    [
      'include_usage as string',
      base({ stream: true, stream_options: { include_usage: 'yes' } }),
      'stream_options.include_usage',
    ],
    ['stream_options without stream', base({ stream_options: { include_usage: true } }), 'stream_options'],
    ['logprobs as number', base({ logprobs: 1 }), 'logprobs'],
    ['top_logprobs too high', base({ top_logprobs: 21 }), 'top_logprobs'],
    ['logit_bias out of range', base({ logit_bias: { '1': 500 } }), 'logit_bias.1'],
    ['logit_bias as array', base({ logit_bias: [1, 2] }), 'logit_bias'],
    ['user as object', base({ user: { id: 1 } }), 'user'],
    ['oversized user', base({ user: 'u'.repeat(600) }), 'user'],
  ];

  for (const [name, body, param] of cases) {
    it(`rejects ${name}${param ? ` at ${param}` : ''}`, () => {
      const err = rejects(body);
      expect(err.code).toBe('PCX_INVALID_REQUEST');
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
      expect(err.message.startsWith(param === undefined ? 'request body: ' : `${param}: `)).toBe(true);
    });
  }

  it('says what was expected for a value of the wrong type in a union slot', () => {
    expect(rejects(base({ messages: [user(5)] })).message).toBe('messages[0].content: expected string or array');
  });

  it('rejects a huge messages array', () => {
    const err = rejects(base({ messages: Array.from({ length: 10_001 }, () => user('x')) }));
    expect(err.param).toBe('messages');
  });

  it('rejects a huge parts array', () => {
    const err = rejects(base({ messages: [user(Array.from({ length: 1_001 }, () => ({ type: 'text', text: 'x' })))] }));
    expect(err.param).toBe('messages[0].content');
  });

  it('rejects more than 128 tools', () => {
    const tools = Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } }));
    expect(rejects(base({ tools })).param).toBe('tools');
  });

  it('rejects a logit_bias with too many entries', () => {
    const bias = Object.fromEntries(Array.from({ length: 1_025 }, (_, i) => [String(i), 1]));
    expect(rejects(base({ logit_bias: bias })).param).toBe('logit_bias');
  });
});
