import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamEvent } from '../../../src/core/chat.js';
import { PortcullisError } from '../../../src/core/errors.js';
import {
  ChatChunkDecoder,
  parseChatCompletionsRequest,
  parseUpstreamCompletion,
  renderUpstreamChatRequest,
  tokenCapFieldFor,
  upstreamMessage,
} from '../../../src/providers/openai/index.js';

function req(over: Partial<ChatRequest>): ChatRequest {
  return { model: 'public', system: [], messages: [], stream: false, extra: {}, extraDialect: 'openai', ...over };
}

describe('renderUpstreamChatRequest', () => {
  it('renders an Anthropic-dialect conversation (images inline, tool results, tool choice) as Chat Completions', () => {
    const body = renderUpstreamChatRequest(
      req({
        system: ['Sys one', 'Sys two'],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', data: 'AAAA', mediaType: 'image/png' },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'text', text: 'Let me check.' }],
            toolCalls: [{ id: 'toolu_1', name: 'identify', arguments: '{"img":0}' }],
          },
          { role: 'tool', toolCallId: 'toolu_1', isError: true, content: [{ type: 'text', text: 'failed' }] },
        ],
        tools: [{ name: 'identify', description: 'Identifies', parameters: { type: 'object' } }],
        toolChoice: 'required',
        maxTokens: 256,
        stop: ['\n\nHuman:'],
        stream: true,
        extra: { thinking: { type: 'enabled' } },
        extraDialect: 'anthropic',
      }),
      'gpt-up',
    );
    expect(body).toEqual({
      model: 'gpt-up',
      messages: [
        { role: 'system', content: 'Sys one' },
        { role: 'system', content: 'Sys two' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'identify', arguments: '{"img":0}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'failed' },
      ],
      tools: [
        { type: 'function', function: { name: 'identify', description: 'Identifies', parameters: { type: 'object' } } },
      ],
      tool_choice: 'required',
      max_completion_tokens: 256,
      stop: ['\n\nHuman:'],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('round-trips a client Chat Completions request, opaque parts and extras included', () => {
    const client = {
      model: 'public',
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'mp3' } }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
      ],
      logprobs: true,
      top_logprobs: 2,
      seed: 9,
      user: 'u',
      n: 1,
      logit_bias: { '5': 1 },
    };
    const body = renderUpstreamChatRequest(parseChatCompletionsRequest(client), 'up');
    expect(body).toEqual({ ...client, model: 'up', stream: false });
  });

  it('puts the cap in exactly one field, the one the upstream honours', () => {
    const r = req({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      maxTokens: 10,
      extra: { max_completion_tokens: 9999 },
    });
    const body = renderUpstreamChatRequest(r, 'up', 'max_tokens');
    expect(body.max_tokens).toBe(10);
    expect('max_completion_tokens' in body).toBe(false);
    const uncapped = renderUpstreamChatRequest({ ...r, maxTokens: undefined }, 'up', 'max_tokens');
    expect('max_completion_tokens' in uncapped || 'max_tokens' in uncapped).toBe(false);
    expect(tokenCapFieldFor('https://api.openai.com/v1', false)).toBe('max_completion_tokens');
    expect(tokenCapFieldFor('https://my-res.openai.azure.com', false)).toBe('max_completion_tokens');
    expect(tokenCapFieldFor('https://gateway.example.com', true)).toBe('max_completion_tokens');
    expect(tokenCapFieldFor('http://127.0.0.1:11434/v1', false)).toBe('max_tokens');
    expect(tokenCapFieldFor('https://api.openai.com.evil.example/v1', false)).toBe('max_tokens');
  });

  it("refuses to send another dialect's opaque part to an OpenAI upstream", () => {
    expect(() =>
      renderUpstreamChatRequest(
        req({
          messages: [
            { role: 'user', content: [{ type: 'opaque', dialect: 'anthropic', value: { type: 'document' } }] },
          ],
        }),
        'up',
      ),
    ).toThrow(expect.objectContaining({ code: 'PCX_UNSUPPORTED' }));
  });

  it('does not let extras re-enable logprobs or raise the token cap the gateway set', () => {
    const body = renderUpstreamChatRequest(
      req({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
        maxTokens: 10,
        extra: { max_tokens: 9999, logprobs: true, top_logprobs: 20, stream_options: { include_usage: false } },
      }),
      'up',
    );
    expect(body.max_completion_tokens).toBe(10);
    expect(body.max_tokens).toBeUndefined();
    expect(body.logprobs).toBeUndefined();
    expect(body.top_logprobs).toBeUndefined();
    expect(body.stream_options).toBeUndefined();
  });
});

describe('parseUpstreamCompletion', () => {
  it('reads text, reasoning (either field name), refusal, logprobs and usage', () => {
    const r = parseUpstreamCompletion(
      {
        id: 'chatcmpl-u',
        model: 'upstream-name',
        system_fingerprint: 'fp',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hi', reasoning: 'R', refusal: null },
            finish_reason: 'length',
            logprobs: { content: [] },
          },
        ],
        usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
      },
      'public',
      'p',
    );
    expect(r).toEqual({
      id: 'chatcmpl-u',
      model: 'public',
      text: 'Hi',
      reasoning: 'R',
      toolCalls: [],
      finishReason: 'length',
      usage: { inputTokens: 7, outputTokens: 2 },
      logprobs: { content: [] },
      extra: { system_fingerprint: 'fp' },
      extraDialect: 'openai',
    });
  });

  it('rejects shapes that are not a completion', () => {
    for (const bad of [
      null,
      [],
      'x',
      {},
      { choices: [] },
      { choices: [{}] },
      { choices: [{ message: { content: 1 } }] },
    ]) {
      expect(() => parseUpstreamCompletion(bad, 'public', 'p')).toThrow(
        expect.objectContaining({ code: 'PCX_UPSTREAM_BAD_RESPONSE' }),
      );
    }
  });
});

describe('ChatChunkDecoder', () => {
  const chunk = (o: unknown) => JSON.stringify(o);

  it('decodes deltas into canonical events, other choices (n > 1) tagged with their index', () => {
    const d = new ChatChunkDecoder('public', 'p');
    const out: StreamEvent[] = [];
    const feed = [
      chunk({ id: 'x', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }),
      chunk({ choices: [{ index: 0, delta: { reasoning_content: 'r1' } }] }),
      chunk({
        choices: [
          { index: 0, delta: { content: 'A' } },
          { index: 1, delta: { content: 'other choice' } },
        ],
      }),
      chunk({
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, id: 'c0', function: { name: 'f', arguments: '{"' } }] } },
        ],
      }),
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'a":1}' } }] } }] }),
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'function_call' }] }),
      chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } }),
      '[DONE]',
    ];
    for (const data of feed) out.push(...d.decode(data));
    expect(out).toEqual([
      { type: 'start', id: 'x', model: 'public' },
      { type: 'reasoning', text: 'r1' },
      { type: 'text', text: 'A' },
      { type: 'text', text: 'other choice', choice: 1 },
      { type: 'tool_call', index: 0, id: 'c0', name: 'f' },
      { type: 'tool_args', index: 0, delta: '{"' },
      { type: 'tool_args', index: 0, delta: 'a":1}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } },
    ]);
    expect(d.done).toBe(true);
    expect(d.finished).toBe(true);
  });

  it('turns an error payload into an error event', () => {
    const d = new ChatChunkDecoder('public', 'p');
    expect(d.decode(chunk({ error: { message: 'overloaded' } }))).toEqual([
      { type: 'error', status: 502, message: 'overloaded' },
    ]);
  });

  it('rejects malformed chunks', () => {
    for (const bad of [
      'not json',
      'null',
      '5',
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: {} }] } }] }),
    ]) {
      const d = new ChatChunkDecoder('public', 'p');
      let err: unknown;
      try {
        d.decode(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PortcullisError);
      expect((err as PortcullisError).code).toBe('PCX_UPSTREAM_BAD_RESPONSE');
    }
  });
});

describe('upstreamMessage', () => {
  it('finds the message in the usual error shapes and truncates it', () => {
    expect(upstreamMessage('{"error":{"message":"m1"}}')).toBe('m1');
    expect(upstreamMessage('{"error":"m2"}')).toBe('m2');
    expect(upstreamMessage('{"object":"error","message":"m3"}')).toBe('m3');
    expect(upstreamMessage('{"detail":"m4"}')).toBe('m4');
    expect(upstreamMessage('  plain text \n')).toBe('plain text');
    expect(upstreamMessage('y'.repeat(2000))).toBe(`${'y'.repeat(1024)}…`);
  });
});
