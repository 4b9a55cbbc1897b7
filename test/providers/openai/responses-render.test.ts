import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../../src/core/chat.js';
import { createResponsesStreamRenderer, renderResponse } from '../../../src/providers/openai/index.js';

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

const usage = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 3,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 13,
};

describe('renderResponse', () => {
  it('renders a text answer field by field', () => {
    const out = renderResponse(response(), { createdAt: 1_700_000_000 }) as Record<string, unknown>;
    expect(out.id).toBe('resp_chatcmpl-1');
    expect(out.object).toBe('response');
    expect(out.created_at).toBe(1_700_000_000);
    expect(out.status).toBe('completed');
    expect(out.error).toBeNull();
    expect(out.incomplete_details).toBeNull();
    expect(out.model).toBe('public');
    expect(out.output).toEqual([
      {
        type: 'message',
        id: 'msg_chatcmpl-1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }],
      },
    ]);
    expect(out.usage).toEqual(usage);
    expect(out.tool_choice).toBe('auto');
    expect(out.tools).toEqual([]);
    expect(out.instructions).toBeNull();
  });

  it('renders reasoning, text and function calls as items in that order, and echoes the request', () => {
    const request: ChatRequest = {
      model: 'public',
      system: ['Be terse.'],
      messages: [],
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: { name: 'f' },
      maxTokens: 50,
      stream: false,
      extra: {},
      extraDialect: 'openai',
    };
    const out = renderResponse(
      response({
        id: 'resp_x',
        reasoning: 'think',
        text: 'Calling f.',
        toolCalls: [
          { id: 'call_1', name: 'f', arguments: '{}' },
          { id: 'call_2', name: 'f', arguments: '{"a":1}' },
        ],
        finishReason: 'tool_calls',
      }),
      { createdAt: 1, request },
    ) as Record<string, unknown>;
    expect(out.id).toBe('resp_x');
    expect(out.output).toEqual([
      { type: 'reasoning', id: 'rs_x', summary: [], content: [{ type: 'reasoning_text', text: 'think' }] },
      {
        type: 'message',
        id: 'msg_x',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Calling f.', annotations: [], logprobs: [] }],
      },
      { type: 'function_call', id: 'fc_x_0', call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed' },
      { type: 'function_call', id: 'fc_x_1', call_id: 'call_2', name: 'f', arguments: '{"a":1}', status: 'completed' },
    ]);
    expect(out.instructions).toBe('Be terse.');
    expect(out.max_output_tokens).toBe(50);
    expect(out.tool_choice).toEqual({ type: 'function', name: 'f' });
    expect(out.tools).toEqual([
      { type: 'function', name: 'f', description: null, parameters: { type: 'object' }, strict: false },
    ]);
  });

  it('leaves out the message item when the model only called tools', () => {
    const out = renderResponse(response({ text: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] }), {
      createdAt: 1,
    }) as {
      output: Array<{ type: string }>;
    };
    expect(out.output.map((o) => o.type)).toEqual(['function_call']);
  });

  it('marks a length-limited answer incomplete with the max_output_tokens reason', () => {
    const out = renderResponse(response({ finishReason: 'length' }), { createdAt: 1 }) as Record<string, unknown>;
    expect(out.status).toBe('incomplete');
    expect(out.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });
});

interface Ev {
  type: string;
  sequence_number: number;
  [k: string]: unknown;
}

function parse(frames: string[]): Ev[] {
  return frames.map((f) => {
    const m = /^event: ([a-z_.]+)\ndata: (.*)\n\n$/s.exec(f);
    expect(m).not.toBeNull();
    const data = JSON.parse(m![2]!) as Ev;
    expect(data.type).toBe(m![1]);
    return data;
  });
}

describe('createResponsesStreamRenderer', () => {
  const opts = { id: 'abc', model: 'public', created: 1_700_000_000 };

  it('renders the official event sequence for a text answer', () => {
    const r = createResponsesStreamRenderer(opts);
    const events: StreamEvent[] = [
      { type: 'start', id: 'u', model: 'u' },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 3 } },
    ];
    const out = parse([...events.flatMap((e) => r.render(e)), ...r.end()]);
    expect(out.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const created = out[0]!.response as Record<string, unknown>;
    expect(created.id).toBe('resp_abc');
    expect(created.status).toBe('in_progress');
    expect(created.output).toEqual([]);
    expect(out[2]).toMatchObject({
      output_index: 0,
      item: { type: 'message', id: 'msg_abc', status: 'in_progress', role: 'assistant', content: [] },
    });
    expect(out[3]).toMatchObject({
      item_id: 'msg_abc',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '' },
    });
    expect(out[4]).toMatchObject({ item_id: 'msg_abc', output_index: 0, content_index: 0, delta: 'Hel' });
    expect(out[6]).toMatchObject({ text: 'Hello' });
    expect(out[7]).toMatchObject({ part: { type: 'output_text', text: 'Hello', annotations: [] } });
    expect(out[8]).toMatchObject({
      output_index: 0,
      item: { status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] },
    });
    const done = out[9]!.response as Record<string, unknown>;
    expect(done.status).toBe('completed');
    expect(done.usage).toEqual(usage);
    expect(done.output).toEqual([
      {
        type: 'message',
        id: 'msg_abc',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }],
      },
    ]);
  });

  it('streams reasoning and two function calls as separate items with argument deltas', () => {
    const r = createResponsesStreamRenderer(opts);
    const events: StreamEvent[] = [
      { type: 'reasoning', text: 'plan' },
      { type: 'tool_call', index: 0, id: 'call_a', name: 'f' },
      { type: 'tool_args', index: 0, delta: '{"x":' },
      { type: 'tool_args', index: 0, delta: '1}' },
      { type: 'tool_call', index: 1, id: 'call_b', name: 'g' },
      { type: 'tool_args', index: 1, delta: '{}' },
      { type: 'finish', reason: 'tool_calls' },
    ];
    const out = parse([...events.flatMap((e) => r.render(e)), ...r.end()]);
    expect(out.slice(2).map((e) => `${e.type}@${e.output_index ?? '-'}`)).toEqual([
      'response.output_item.added@0',
      'response.content_part.added@0',
      'response.reasoning_text.delta@0',
      'response.reasoning_text.done@0',
      'response.content_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.function_call_arguments.delta@1',
      'response.function_call_arguments.delta@1',
      'response.function_call_arguments.done@1',
      'response.output_item.done@1',
      'response.output_item.added@2',
      'response.function_call_arguments.delta@2',
      'response.function_call_arguments.done@2',
      'response.output_item.done@2',
      'response.completed@-',
    ]);
    const argsDone = out.find((e) => e.type === 'response.function_call_arguments.done')!;
    expect(argsDone).toMatchObject({ item_id: 'fc_abc_0', name: 'f', arguments: '{"x":1}' });
    const final = out.at(-1)!.response as { output: unknown[]; usage: unknown };
    expect(final.output).toEqual([
      { type: 'reasoning', id: 'rs_abc', summary: [], content: [{ type: 'reasoning_text', text: 'plan' }] },
      {
        type: 'function_call',
        id: 'fc_abc_0',
        call_id: 'call_a',
        name: 'f',
        arguments: '{"x":1}',
        status: 'completed',
      },
      { type: 'function_call', id: 'fc_abc_1', call_id: 'call_b', name: 'g', arguments: '{}', status: 'completed' },
    ]);
    expect(final.usage).toBeNull();
  });

  it('ends a length-limited answer with response.incomplete', () => {
    const r = createResponsesStreamRenderer(opts);
    const out = parse([
      ...r.render({ type: 'text', text: 'cut' }),
      ...r.render({ type: 'finish', reason: 'length' }),
      ...r.end(),
    ]);
    const last = out.at(-1)!;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('renders a mid-stream error as error + response.failed, then nothing more', () => {
    const r = createResponsesStreamRenderer(opts);
    const out = parse([
      ...r.render({ type: 'text', text: 'x' }),
      ...r.render({ type: 'error', status: 502, message: 'upstream broke' }),
    ]);
    expect(out.at(-2)).toMatchObject({ type: 'error', code: 'upstream_error', message: 'upstream broke', param: null });
    expect(out.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error', message: 'upstream broke' } },
    });
    expect(r.end()).toEqual([]);
  });

  it('still sends created and completed for an empty stream', () => {
    const r = createResponsesStreamRenderer(opts);
    expect(parse(r.end()).map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.completed',
    ]);
  });
});
