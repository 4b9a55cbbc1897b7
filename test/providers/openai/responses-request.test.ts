import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../../src/core/errors.js';
import { parseResponsesRequest } from '../../../src/providers/openai/index.js';

function rejects(body: unknown): PortcullisError {
  try {
    parseResponsesRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(PortcullisError);
    return err as PortcullisError;
  }
  throw new Error('expected the body to be rejected');
}

const base = (over: Record<string, unknown>) => ({ model: 'm', input: 'hi', ...over });

describe('parseResponsesRequest: valid input', () => {
  it('parses a string input with instructions and options', () => {
    expect(
      parseResponsesRequest({
        model: 'gpt-x',
        instructions: 'Be terse.',
        input: 'Hello',
        max_output_tokens: 64,
        temperature: 0.3,
        top_p: 0.8,
        stream: true,
        user: 'u1',
        metadata: { team: 'a' },
        parallel_tool_calls: false,
      }),
    ).toEqual({
      model: 'gpt-x',
      system: ['Be terse.'],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      maxTokens: 64,
      temperature: 0.3,
      topP: 0.8,
      stream: true,
      streamUsage: true,
      user: 'u1',
      extra: { metadata: { team: 'a' }, parallel_tool_calls: false },
      extraDialect: 'openai',
    });
  });

  it('parses message items with parts, function calls and their outputs, and system/developer items', () => {
    const req = parseResponsesRequest({
      model: 'm',
      input: [
        { role: 'developer', content: 'dev rule' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'see ' },
            { type: 'input_image', image_url: 'https://x.test/a.png', detail: 'auto' },
            { type: 'input_file', file_id: 'file_1' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Calling.', annotations: [] }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' },
        { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{}' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
      ],
      tools: [{ type: 'function', name: 'f', description: 'F', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'f' },
    });
    expect(req.system).toEqual(['dev rule']);
    expect(req.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'see ' },
          { type: 'image', url: 'https://x.test/a.png' },
          { type: 'opaque', dialect: 'openai', value: { type: 'input_file', file_id: 'file_1' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Calling.' }],
        toolCalls: [
          { id: 'c1', name: 'f', arguments: '{"a":1}' },
          { id: 'c2', name: 'g', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'one' }] },
      { role: 'tool', toolCallId: 'c2', content: [{ type: 'text', text: 'two' }] },
    ]);
    expect(req.tools).toEqual([{ name: 'f', description: 'F', parameters: { type: 'object' }, strict: true }]);
    expect(req.toolChoice).toEqual({ name: 'f' });
  });

  it('translates reasoning.effort and text.format into their Chat Completions names, and drops Responses-only options', () => {
    const req = parseResponsesRequest(
      base({
        reasoning: { effort: 'low' },
        text: {
          format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
          verbosity: 'low',
        },
        include: ['reasoning.encrypted_content'],
        truncation: 'auto',
        store: false,
        top_logprobs: 2,
      }),
    );
    expect(req.extra).toEqual({
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      verbosity: 'low',
      store: false,
    });
    expect(req.logprobs).toBe(true);
    expect(req.topLogprobs).toBe(2);
  });
});

describe('parseResponsesRequest: hostile and unsupported input', () => {
  const invalid: Array<[string, unknown, string | undefined]> = [
    ['null body', null, undefined],
    ['missing input', { model: 'm' }, 'input'],
    ['numeric input', base({ input: 5 }), 'input'],
    ['empty input array', base({ input: [] }), 'input'],
    ['item as string', base({ input: ['x'] }), 'input[0]'],
    ['message with bad role', base({ input: [{ role: 'wizard', content: 'x' }] }), 'input[0].role'],
    ['message with numeric content', base({ input: [{ role: 'user', content: 5 }] }), 'input[0].content'],
    [
      'input_text with numeric text',
      base({ input: [{ role: 'user', content: [{ type: 'input_text', text: 1 }] }] }),
      'input[0].content[0].text',
    ],
    [
      'function_call without call_id',
      base({ input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }),
      'input[0].call_id',
    ],
    [
      'function_call_output with object output',
      base({ input: [{ type: 'function_call_output', call_id: 'c', output: {} }] }),
      'input[0].output',
    ],
    ['function tool without name', base({ tools: [{ type: 'function', parameters: {} }] }), 'tools[0].name'],
    ['max_output_tokens as string', base({ max_output_tokens: '5' }), 'max_output_tokens'],
    ['temperature out of range', base({ temperature: -1 }), 'temperature'],
    ['stream as number', base({ stream: 1 }), 'stream'],
    ['function tool_choice without name', base({ tool_choice: { type: 'function' } }), 'tool_choice.name'],
  ];
  for (const [name, body, param] of invalid) {
    it(`rejects ${name}`, () => {
      const err = rejects(body);
      expect(err.code).toBe('PCX_INVALID_REQUEST');
      expect(err.param).toBe(param);
    });
  }

  const unsupported: Array<[string, unknown, string]> = [
    ['previous_response_id', base({ previous_response_id: 'resp_1' }), 'previous_response_id'],
    ['conversation', base({ conversation: 'conv_1' }), 'conversation'],
    ['a stored prompt', base({ prompt: { id: 'pmpt_1' } }), 'prompt'],
    ['background mode', base({ background: true }), 'background'],
    ['a hosted tool', base({ tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] }), 'tools[1].type'],
    [
      'an item reference',
      base({
        input: [
          { role: 'user', content: 'x' },
          { type: 'item_reference', id: 'msg_1' },
        ],
      }),
      'input[1].type',
    ],
  ];
  for (const [name, body, param] of unsupported) {
    it(`refuses ${name} as unsupported`, () => {
      const err = rejects(body);
      expect(err.code).toBe('PCX_UNSUPPORTED');
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
    });
  }

  it('rejects a huge input array', () => {
    const input = Array.from({ length: 10_001 }, () => ({ role: 'user', content: 'x' }));
    expect(rejects(base({ input })).param).toBe('input');
  });
});
