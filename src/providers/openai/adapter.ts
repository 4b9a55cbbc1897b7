/**
 * The upstream adapter for OpenAI-compatible APIs (OpenAI, Azure OpenAI, vLLM, Ollama, …): one undici
 * Pool per provider (keep-alive, bounded connect time), Chat Completions on the wire, canonical shapes
 * on both sides.
 *
 * Timeouts: a non-streamed call must finish within `timeout_ms`; a streamed call must start answering
 * within `timeout_ms` and then never stay silent longer than that, so long answers are not cut off.
 */
import { Pool } from 'undici';
import type { ProviderConfig } from '../../config/providers.js';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../core/chat.js';
import type { Target } from '../../core/exchange.js';
import type { CallOptions, EmbeddingsResult, ProviderAdapter } from '../adapter.js';
import { circuitOptionsOf } from '../circuit.js';
import { SseParser } from '../sse.js';
import {
  badResponse,
  makeRedactor,
  statusError,
  timeoutError,
  transportError,
  type UpstreamIdentity,
} from './upstream-errors.js';
import { renderUpstreamChatRequest, tokenCapFieldFor } from './upstream-request.js';
import { ChatChunkDecoder, parseUpstreamCompletion } from './upstream-response.js';

/** Largest successful JSON answer read into memory; a hostile upstream cannot make us buffer more. */
export const MAX_UPSTREAM_JSON = 32 * 1024 * 1024;
/** Largest error body read (only its message is kept). */
const MAX_ERROR_BODY = 64 * 1024;
const KEEP_ALIVE_MS = 30_000;

type Body = AsyncIterable<Buffer> & { destroy(err?: Error): unknown };

interface Call {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Body;
  /** Removes the caller-abort listener and the deadline timer. */
  release(): void;
  /** Switches from the overall deadline to the per-chunk idle timeout (streams). */
  clearDeadline(): void;
  signal: AbortSignal;
}

export function createOpenAIAdapter(provider: ProviderConfig, env: NodeJS.ProcessEnv = process.env): ProviderAdapter {
  const base = new URL(provider.base_url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const key = provider.api_key_env !== undefined ? env[provider.api_key_env] : provider.api_key;
  const up: UpstreamIdentity = {
    name: provider.name,
    url: `${base.origin}${prefix}`,
    timeoutMs: provider.timeout_ms,
    redact: makeRedactor(key),
  };
  const capField = tokenCapFieldFor(provider.base_url, provider.azure_api_version !== undefined);
  const pool = new Pool(base.origin, {
    connect: { timeout: provider.connect_timeout_ms },
    keepAliveTimeout: KEEP_ALIVE_MS,
  });
  const fixedHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(provider.headers)) fixedHeaders[k.toLowerCase()] = v;
  fixedHeaders['content-type'] = 'application/json';
  if (key !== undefined && key !== '') {
    if (provider.azure_api_version !== undefined) fixedHeaders['api-key'] = key;
    else fixedHeaders.authorization = `Bearer ${key}`;
  }

  function pathFor(op: 'chat/completions' | 'embeddings', model: string): string {
    if (provider.azure_api_version === undefined) return `${prefix}/${op}`;
    const version = encodeURIComponent(provider.azure_api_version);
    return `${prefix}/openai/deployments/${encodeURIComponent(model)}/${op}?api-version=${version}`;
  }

  async function call(path: string, body: unknown, opts: CallOptions, stream: boolean): Promise<Call> {
    opts.signal.throwIfAborted();
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = () => ac.abort(opts.signal.reason);
    opts.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined = setTimeout(() => {
      timedOut = true;
      ac.abort(timeoutError(up));
    }, provider.timeout_ms);
    const clearDeadline = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const release = () => {
      clearDeadline();
      opts.signal.removeEventListener('abort', onAbort);
    };
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: {
          ...fixedHeaders,
          accept: stream ? 'text/event-stream' : 'application/json',
          'x-request-id': opts.requestId,
        },
        body: JSON.stringify(body),
        signal: ac.signal,
        headersTimeout: provider.timeout_ms,
        bodyTimeout: provider.timeout_ms,
      });
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body as unknown as Body,
        release,
        clearDeadline,
        signal: ac.signal,
      };
    } catch (err) {
      release();
      throw failure(err, opts.signal, timedOut);
    }
  }

  function failure(err: unknown, caller: AbortSignal, timedOut: boolean): unknown {
    // The caller gave up (client gone): surface its own reason, as fetch does, not an upstream error.
    if (caller.aborted) return caller.reason;
    if (timedOut) return timeoutError(up);
    return transportError(err, up);
  }

  /** Reads a body up to `limit` bytes; undefined when it is longer. */
  async function readText(c: Call, limit: number): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of c.body) {
      size += chunk.length;
      if (size > limit) {
        c.body.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function failIfNotOk(c: Call, opts: CallOptions): Promise<void> {
    if (c.status >= 200 && c.status < 300) return;
    let raw: string;
    try {
      raw = (await readText(c, MAX_ERROR_BODY)) ?? '';
    } catch (err) {
      c.release();
      throw failure(err, opts.signal, c.signal.aborted && !opts.signal.aborted);
    }
    c.release();
    const ra = Number(header(c.headers, 'retry-after'));
    throw statusError(c.status, raw, up, Number.isFinite(ra) && ra >= 0 ? ra : undefined);
  }

  async function readJson(c: Call, opts: CallOptions): Promise<unknown> {
    let raw: string | undefined;
    try {
      raw = await readText(c, MAX_UPSTREAM_JSON);
    } catch (err) {
      throw failure(err, opts.signal, c.signal.aborted && !opts.signal.aborted);
    } finally {
      c.release();
    }
    if (raw === undefined) throw badResponse(up, `an answer larger than ${MAX_UPSTREAM_JSON} bytes`);
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw badResponse(up, 'an answer that is not JSON');
    }
  }

  async function* events(c: Call, decoder: ChatChunkDecoder, caller: AbortSignal): AsyncGenerator<StreamEvent> {
    const parser = new SseParser();
    try {
      for await (const chunk of c.body) {
        if (decoder.done) continue; // drain the rest so the connection goes back to the pool
        for (const msg of parser.push(chunk)) {
          for (const ev of decoder.decode(msg.data)) {
            if (ev.type === 'error') {
              yield { type: 'error', status: ev.status, message: up.redact(ev.message) };
              return;
            }
            yield ev;
          }
          if (decoder.done) break;
        }
      }
      if (!decoder.done) for (const msg of parser.end()) for (const ev of decoder.decode(msg.data)) yield ev;
      if (decoder.done && !decoder.finished) yield { type: 'finish', reason: 'stop' };
      else if (!decoder.finished) {
        yield {
          type: 'error',
          status: 502,
          message: `provider "${up.name}" ended the stream before the answer was complete`,
        };
      }
    } catch (err) {
      if (caller.aborted) throw caller.reason;
      const e =
        err instanceof Error && !('code' in err) ? badResponse(up, 'a malformed stream') : failure(err, caller, false);
      const { status, message } = e as { status: number; message: string };
      yield { type: 'error', status, message: up.redact(message) };
    } finally {
      c.release();
      c.body.destroy();
    }
  }

  return {
    name: provider.name,
    type: 'openai',
    circuit: circuitOptionsOf(provider.circuit),

    async chat(req: ChatRequest, target: Target, opts: CallOptions): Promise<ChatResponse> {
      const body = renderUpstreamChatRequest({ ...req, stream: false }, target.upstreamModel, capField);
      const c = await call(pathFor('chat/completions', target.upstreamModel), body, opts, false);
      await failIfNotOk(c, opts);
      const json = await readJson(c, opts);
      return parseUpstreamCompletion(json, req.model, up.name);
    },

    async stream(req: ChatRequest, target: Target, opts: CallOptions): Promise<AsyncIterable<StreamEvent>> {
      const body = renderUpstreamChatRequest({ ...req, stream: true }, target.upstreamModel, capField);
      const c = await call(pathFor('chat/completions', target.upstreamModel), body, opts, true);
      await failIfNotOk(c, opts);
      const type = String(header(c.headers, 'content-type') ?? '');
      if (type.includes('application/json')) {
        // Some compatible servers ignore `stream: true`; their whole answer becomes one burst of events.
        return replay(parseUpstreamCompletion(await readJson(c, opts), req.model, up.name));
      }
      c.clearDeadline();
      return events(c, new ChatChunkDecoder(req.model, up.name), opts.signal);
    },

    async embeddings(
      model: string,
      body: Record<string, unknown>,
      target: Target,
      opts: CallOptions,
    ): Promise<EmbeddingsResult> {
      const c = await call(
        pathFor('embeddings', target.upstreamModel),
        { ...body, model: target.upstreamModel },
        opts,
        false,
      );
      await failIfNotOk(c, opts);
      const json = await readJson(c, opts);
      if (json === null || typeof json !== 'object' || !Array.isArray((json as { data?: unknown }).data)) {
        throw badResponse(up, 'an embeddings answer without `data`');
      }
      const out = { ...(json as Record<string, unknown>), model };
      const usage = (json as { usage?: { prompt_tokens?: unknown } }).usage;
      const tokens = typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
      return { body: out, inputTokens: tokens };
    },

    async close(): Promise<void> {
      await pool.close();
    },
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function* replay(resp: ChatResponse): AsyncGenerator<StreamEvent> {
  yield { type: 'start', id: resp.id, model: resp.model };
  if (resp.reasoning) yield { type: 'reasoning', text: resp.reasoning };
  if (resp.text !== '') yield { type: 'text', text: resp.text };
  for (let i = 0; i < resp.toolCalls.length; i++) {
    const t = resp.toolCalls[i]!;
    yield { type: 'tool_call', index: i, id: t.id, name: t.name };
    if (t.arguments !== '') yield { type: 'tool_args', index: i, delta: t.arguments };
  }
  if (resp.logprobs !== undefined) yield { type: 'logprobs', value: resp.logprobs };
  yield { type: 'finish', reason: resp.finishReason };
  for (const c of resp.choices ?? []) {
    const choice = c.index;
    if (c.reasoning) yield { type: 'reasoning', text: c.reasoning, choice };
    if (c.text !== '') yield { type: 'text', text: c.text, choice };
    for (let i = 0; i < c.toolCalls.length; i++) {
      const t = c.toolCalls[i]!;
      yield { type: 'tool_call', index: i, id: t.id, name: t.name, choice };
      if (t.arguments !== '') yield { type: 'tool_args', index: i, delta: t.arguments, choice };
    }
    if (c.logprobs !== undefined) yield { type: 'logprobs', value: c.logprobs, choice };
    yield { type: 'finish', reason: c.finishReason, choice };
  }
  yield { type: 'usage', usage: resp.usage };
}
