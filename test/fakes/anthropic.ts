/**
 * A fake Anthropic Messages API upstream for tests and benchmarks: `POST /v1/messages` as JSON or SSE with
 * the full documented event sequence. By default it echoes the last user text, so a test can see what
 * the upstream received (e.g. that a placeholder replaced a secret).
 */
import type { ServerResponse } from 'node:http';
import {
  type CommonBehaviour,
  type FakeServer,
  type RecordedRequest,
  realisticAnswer,
  splitInto,
  startFakeServer,
  writeJson,
  writeSseMessages,
} from './common.js';

export type { RecordedRequest } from './common.js';

export interface FakeToolUse {
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicBehaviour extends CommonBehaviour {
  /** Answer text; default: the text of the last user turn. */
  text?: string;
  /** Adds a thinking block before the text. */
  thinking?: string;
  /** Adds tool_use blocks after the text (and makes stop_reason `tool_use`). */
  toolUses?: FakeToolUse[];
  /** Overrides the stop reason. */
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number };
  /** Benchmarks: answer with a realistic text of this many bytes instead of the echo. */
  answerBytes?: number;
  /** Streaming: each text, thinking and tool-input is split into this many deltas (default 3). */
  pieces?: number;
  /** Streaming: after this many SSE messages, send an Anthropic `error` event (overloaded_error) and end. */
  midStreamError?: { afterChunks: number; message: string };
  /** Answer 200 with exactly this body (for malformed answers), with `contentType` (default JSON). */
  rawBody?: string;
  contentType?: string;
}

export type FakeAnthropic = FakeServer<AnthropicBehaviour>;

const ERROR_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number, message = `fake failure ${status}`): unknown {
  return { type: 'error', error: { type: ERROR_TYPE[status] ?? 'api_error', message } };
}

/** The text of the last user turn (text blocks, else tool_result text), which the fake echoes. */
export function lastUserText(body: unknown): string {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (!Array.isArray(m.content)) return '';
    const texts: string[] = [];
    const results: string[] = [];
    for (const b of m.content as Array<Record<string, unknown>>) {
      if (b.type === 'text' && typeof b.text === 'string') texts.push(b.text);
      if (b.type === 'tool_result') {
        if (typeof b.content === 'string') results.push(b.content);
        else if (Array.isArray(b.content)) {
          for (const c of b.content as Array<Record<string, unknown>>)
            if (typeof c.text === 'string') results.push(c.text);
        }
      }
    }
    return (texts.length > 0 ? texts : results).join('\n');
  }
  return '';
}

let counter = 0;

interface Answer {
  id: string;
  model: string;
  thinking: string | undefined;
  text: string;
  tools: Array<Required<FakeToolUse>>;
  stopReason: string;
  usage: NonNullable<AnthropicBehaviour['usage']>;
}

function answerFor(req: RecordedRequest, b: AnthropicBehaviour): Answer {
  const body = req.body as { model?: unknown } | undefined;
  const text = b.text ?? (b.answerBytes !== undefined ? realisticAnswer(b.answerBytes) : lastUserText(req.body));
  const tools = (b.toolUses ?? []).map((t, i) => ({ id: t.id ?? `toolu_fake_${i}`, name: t.name, input: t.input }));
  return {
    id: `msg_fake_${++counter}`,
    model: typeof body?.model === 'string' ? body.model : 'fake-model',
    thinking: b.thinking,
    text,
    tools,
    stopReason: b.stopReason ?? (tools.length > 0 ? 'tool_use' : 'end_turn'),
    usage: b.usage ?? { input_tokens: 11, output_tokens: 7 },
  };
}

function ev(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function streamMessages(a: Answer, pieces: number): string[] {
  const out: string[] = [];
  const { output_tokens, ...startUsage } = a.usage;
  out.push(
    ev('message_start', {
      message: {
        id: a.id,
        type: 'message',
        role: 'assistant',
        model: a.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...startUsage, output_tokens: 1 },
      },
    }),
  );
  out.push(ev('ping', {}));
  let index = 0;
  if (a.thinking !== undefined) {
    out.push(ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const p of splitInto(a.thinking, pieces)) {
      out.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: p } }));
    }
    out.push(ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig-fake' } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  if (a.text !== '' || a.tools.length === 0) {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const p of splitInto(a.text, pieces))
      out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  for (const t of a.tools) {
    out.push(
      ev('content_block_start', { index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } }),
    );
    for (const p of splitInto(JSON.stringify(t.input), pieces)) {
      out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } }));
    }
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  out.push(
    ev('message_delta', { delta: { stop_reason: a.stopReason, stop_sequence: null }, usage: { output_tokens } }),
  );
  out.push(ev('message_stop', {}));
  return out;
}

function jsonMessage(a: Answer): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (a.thinking !== undefined) content.push({ type: 'thinking', thinking: a.thinking, signature: 'sig-fake' });
  if (a.text !== '' || a.tools.length === 0) content.push({ type: 'text', text: a.text });
  for (const t of a.tools) content.push({ type: 'tool_use', id: t.id, name: t.name, input: t.input });
  return {
    id: a.id,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content,
    stop_reason: a.stopReason,
    stop_sequence: null,
    usage: a.usage,
  };
}

async function handle(req: RecordedRequest, res: ServerResponse, b: AnthropicBehaviour): Promise<void> {
  if (req.method !== 'POST' || req.path !== '/v1/messages') {
    writeJson(res, 404, anthropicErrorBody(404, `no route ${req.method} ${req.path}`));
    return;
  }
  if (b.failStatus !== undefined) {
    writeJson(res, b.failStatus, b.errorBody ?? anthropicErrorBody(b.failStatus));
    return;
  }
  if (b.rawBody !== undefined) {
    res.writeHead(200, { 'content-type': b.contentType ?? 'application/json' });
    res.end(b.rawBody);
    return;
  }
  const a = answerFor(req, b);
  if ((req.body as { stream?: unknown } | undefined)?.stream === true) {
    let messages = streamMessages(a, b.pieces ?? 3);
    if (b.midStreamError !== undefined) {
      messages = [
        ...messages.slice(0, b.midStreamError.afterChunks),
        ev('error', { error: { type: 'overloaded_error', message: b.midStreamError.message } }),
      ];
    }
    await writeSseMessages(res, messages, b);
    return;
  }
  writeJson(res, 200, jsonMessage(a));
}

export function startFakeAnthropic(opts: AnthropicBehaviour = {}): Promise<FakeAnthropic> {
  return startFakeServer<AnthropicBehaviour>(opts, handle);
}
