/**
 * A fake OpenAI-compatible upstream for tests and benchmarks: /v1/chat/completions (JSON and SSE, with
 * usage and stream_options), /v1/embeddings and /v1/models, plus Azure's deployment paths. By default it
 * answers with the last user message, so a test can see exactly what the upstream received.
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

export interface FakeOpenAIBehaviour extends CommonBehaviour {
  /** The answer text; default: the text of the last user message. */
  text?: string;
  /** Benchmarks: answer with a realistic text of this many bytes instead of the echo. */
  answerBytes?: number;
  /** Sent as `reasoning_content`. */
  reasoning?: string;
  toolCalls?: Array<{ id?: string; name: string; arguments: string }>;
  /** Default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string;
  /** Usage to report; null leaves it out; default counts whitespace-separated words. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Number of stream chunks the text is split into; default one per 4 characters. */
  chunks?: number;
  /** Number of pieces each tool call's arguments are streamed in; default 3. */
  argChunks?: number;
  /** Streaming: after this many chunks, send `data: {"error": …}` and end. */
  midStreamError?: { afterChunks: number; message: string };
  /** Answer JSON even when a stream was asked for (like some compatible servers). */
  ignoreStream?: boolean;
  /** Leave out the final `data: [DONE]`. */
  omitDone?: boolean;
  /** Answer 200 with exactly this body (for malformed answers), with `contentType` (default JSON). */
  rawBody?: string;
  contentType?: string;
}

export type FakeOpenAI = FakeServer<FakeOpenAIBehaviour>;

interface ChatBody {
  model?: string;
  messages?: Array<{ role?: string; content?: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { type?: string; text?: string }) => (p?.type === 'text' ? (p.text ?? '') : '')).join('');
}

function words(s: string): number {
  return s.split(/\s+/).filter((w) => w !== '').length;
}

function answerText(body: ChatBody, b: FakeOpenAIBehaviour): string {
  if (b.text !== undefined) return b.text;
  if (b.answerBytes !== undefined) return realisticAnswer(b.answerBytes);
  const users = (body.messages ?? []).filter((m) => m.role === 'user');
  return textOf(users[users.length - 1]?.content);
}

function usageFor(body: ChatBody, text: string, b: FakeOpenAIBehaviour) {
  if (b.usage === null) return undefined;
  const u = b.usage ?? {
    prompt_tokens: (body.messages ?? []).reduce((n, m) => n + words(textOf(m.content)), 0),
    completion_tokens: words(text),
  };
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
}

const DEFAULT_ERROR = {
  error: { message: 'The fake upstream failed as asked.', type: 'server_error', param: null, code: null },
};

let counter = 0;

async function chat(req: RecordedRequest, res: ServerResponse, b: FakeOpenAIBehaviour): Promise<void> {
  const body = (req.body ?? {}) as ChatBody;
  const id = `chatcmpl-fake${++counter}`;
  const created = 1_700_000_000;
  const model = body.model ?? 'fake-model';
  const text = answerText(body, b);
  const calls = (b.toolCalls ?? []).map((t, i) => ({
    id: t.id ?? `call_fake_${i}`,
    name: t.name,
    arguments: t.arguments,
  }));
  const finish = b.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
  const usage = usageFor(body, text, b);

  if (body.stream !== true || b.ignoreStream) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: text === '' && calls.length > 0 ? null : text,
      refusal: null,
    };
    if (b.reasoning !== undefined) message.reasoning_content = b.reasoning;
    if (calls.length > 0) {
      message.tool_calls = calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      }));
    }
    const out: Record<string, unknown> = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    };
    if (usage) out.usage = usage;
    writeJson(res, 200, out);
    return;
  }

  const chunk = (delta: unknown, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;
  const msgs: string[] = [chunk({ role: 'assistant', content: '' })];
  if (b.reasoning !== undefined)
    for (const piece of splitInto(b.reasoning, 4)) msgs.push(chunk({ reasoning_content: piece }));
  const pieces = b.chunks ?? Math.max(1, Math.ceil(text.length / 4));
  for (const piece of splitInto(text, pieces)) msgs.push(chunk({ content: piece }));
  calls.forEach((c, index) => {
    msgs.push(
      chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }),
    );
    for (const piece of splitInto(c.arguments, b.argChunks ?? 3)) {
      msgs.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  msgs.push(chunk({}, finish));
  if (usage && body.stream_options?.include_usage) {
    msgs.push(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
    );
  }
  if (!b.omitDone) msgs.push('data: [DONE]\n\n');
  if (b.midStreamError) {
    const err = { error: { message: b.midStreamError.message, type: 'server_error', param: null, code: null } };
    msgs.splice(b.midStreamError.afterChunks, msgs.length, `data: ${JSON.stringify(err)}\n\n`);
  }
  await writeSseMessages(res, msgs, b);
}

function embeddings(req: RecordedRequest, res: ServerResponse): void {
  const body = (req.body ?? {}) as { model?: string; input?: unknown };
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
  // A deterministic 4-dimensional vector per input, enough to check the body made it through.
  const data = inputs.map((s, index) => ({
    object: 'embedding',
    index,
    embedding: [s.length, words(s), s.charCodeAt(0) || 0, index],
  }));
  const tokens = inputs.reduce((n, s) => n + words(s), 0);
  writeJson(res, 200, {
    object: 'list',
    data,
    model: body.model ?? 'fake-embedding',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

export function startFakeOpenAI(opts: FakeOpenAIBehaviour = {}): Promise<FakeOpenAI> {
  return startFakeServer<FakeOpenAIBehaviour>(opts, async (req, res, b) => {
    if (b.failStatus !== undefined) {
      if (typeof b.errorBody === 'string') {
        // A string is sent as plain text, like a proxy's or load balancer's error page.
        res.writeHead(b.failStatus, { 'content-type': 'text/plain', ...b.errorHeaders });
        res.end(b.errorBody);
      } else writeJson(res, b.failStatus, b.errorBody ?? DEFAULT_ERROR, b.errorHeaders);
      return;
    }
    if (b.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': b.contentType ?? 'application/json' });
      res.end(b.rawBody);
      return;
    }
    if (req.method === 'POST' && req.path.endsWith('/chat/completions')) return chat(req, res, b);
    if (req.method === 'POST' && req.path.endsWith('/embeddings')) return embeddings(req, res);
    if (req.method === 'GET' && req.path.endsWith('/models')) {
      writeJson(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }],
      });
      return;
    }
    writeJson(res, 404, { error: { message: `no route ${req.method} ${req.path}`, type: 'invalid_request_error' } });
  });
}
