/**
 * The Anthropic upstream adapter: canonical request → `POST ${base_url}/messages`, answer → canonical.
 * One undici Pool per provider keeps connections alive between requests; connect, header and body
 * timeouts come from the provider config, and the caller's signal aborts the call.
 */
import { Pool } from 'undici';
import type { ProviderConfig } from '../../config/providers.js';
import type { ChatRequest, ChatResponse, StreamEvent } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import type { Target } from '../../core/exchange.js';
import type { CallOptions, ProviderAdapter } from '../adapter.js';
import { circuitOptionsOf } from '../circuit.js';
import { SseParser } from '../sse.js';
import { AnthropicStreamTranslator, parseMessageResponse } from './parse-response.js';
import { anthropicRefusal, renderMessagesBody } from './render-request.js';
import { makeRedactor, statusError, transportError } from './upstream-errors.js';

/** An error answer is read up to this size; the rest is not worth the memory. */
const MAX_ERROR_BODY = 64 * 1024;
/** A JSON answer larger than this is refused rather than buffered. */
const MAX_JSON_BODY = 32 * 1024 * 1024;

type Body = AsyncIterable<Uint8Array> & {
  destroy(err?: Error): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
};

/**
 * Stops reading an answer. undici's body emits an AbortError when destroyed; with no listener that error
 * would be uncaught and take the process down, so one is attached first.
 */
function discard(body: Body): void {
  body.on('error', () => {});
  body.destroy();
}

async function readCapped(body: Body, max: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      discard(body);
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(Buffer.from(chunk));
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createAnthropicAdapter(
  provider: ProviderConfig,
  env: NodeJS.ProcessEnv = process.env,
): ProviderAdapter {
  const base = new URL(provider.base_url);
  const path = `${base.pathname.replace(/\/+$/, '')}/messages`;
  const url = `${base.origin}${path}`;
  const key = provider.api_key_env ? env[provider.api_key_env] : provider.api_key;
  const redact = makeRedactor(key);
  const pool = new Pool(base.origin, {
    connect: { timeout: provider.connect_timeout_ms },
    headersTimeout: provider.timeout_ms,
    bodyTimeout: provider.timeout_ms,
    keepAliveTimeout: 30_000,
  });

  const fixedHeaders: Record<string, string> = {
    ...provider.headers,
    'content-type': 'application/json',
    'anthropic-version': provider.anthropic_version,
  };
  if (key) fixedHeaders['x-api-key'] = key;

  async function send(req: ChatRequest, target: Target, opts: CallOptions, stream: boolean) {
    // A key configured through an unset variable is the operator's mistake, not the client's: it is reported
    // as a gateway-side failure (502, so another target can be tried) instead of sending the request keyless
    // and passing Anthropic's 401 to a client whose own key is fine.
    if (provider.api_key_env && !key) {
      throw new PortcullisError(
        'PCX_UPSTREAM_ERROR',
        `provider "${provider.name}" has no API key: environment variable ${provider.api_key_env} is not set`,
        { status: 502 },
      );
    }
    const refusal = anthropicRefusal(req, provider.name);
    if (refusal !== undefined) throw refusal;
    let json: string;
    try {
      json = JSON.stringify(renderMessagesBody({ ...req, stream }, target.upstreamModel));
    } catch {
      // Only a client value nested beyond the serialiser's stack (opaque blocks, tool schemas) gets here.
      throw new PortcullisError('PCX_INVALID_REQUEST', 'the request is nested too deeply to forward');
    }
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: {
          ...fixedHeaders,
          'x-request-id': opts.requestId,
          accept: stream ? 'text/event-stream' : 'application/json',
        },
        body: json,
        signal: opts.signal,
      });
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const { text } = await readCapped(res.body, MAX_ERROR_BODY);
        throw statusError(
          provider.name,
          res.statusCode >= 400 ? res.statusCode : 502,
          text,
          redact,
          header(res.headers, 'retry-after'),
        );
      }
      return res;
    } catch (err) {
      throw fail(err, opts.signal);
    }
  }

  /** An abort is the caller's own decision: its reason is rethrown as is, never turned into an upstream error. */
  function fail(err: unknown, signal: AbortSignal): unknown {
    if (signal.aborted) return signal.reason ?? err;
    return transportError(err, provider.name, url, provider.timeout_ms);
  }

  return {
    name: provider.name,
    type: 'anthropic',
    circuit: circuitOptionsOf(provider.circuit),

    async chat(req: ChatRequest, target: Target, opts: CallOptions): Promise<ChatResponse> {
      const res = await send(req, target, opts, false);
      let text: string;
      try {
        const read = await readCapped(res.body, MAX_JSON_BODY);
        if (read.truncated) {
          throw new PortcullisError(
            'PCX_UPSTREAM_BAD_RESPONSE',
            `provider "${provider.name}" sent an answer over ${MAX_JSON_BODY} bytes`,
          );
        }
        text = read.text;
      } catch (err) {
        throw fail(err, opts.signal);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new PortcullisError(
          'PCX_UPSTREAM_BAD_RESPONSE',
          `provider "${provider.name}" sent an answer that is not JSON`,
        );
      }
      return parseMessageResponse(json, provider.name);
    },

    async stream(req: ChatRequest, target: Target, opts: CallOptions): Promise<AsyncIterable<StreamEvent>> {
      const res = await send(req, target, opts, true);
      const type = header(res.headers, 'content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        discard(res.body);
        throw new PortcullisError(
          'PCX_UPSTREAM_BAD_RESPONSE',
          `provider "${provider.name}" answered a stream request with ${type.slice(0, 100) || 'no content type'}`,
        );
      }
      return translateStream(res.body, provider.name, opts.signal, provider.timeout_ms);
    },

    async close(): Promise<void> {
      await pool.close();
    },
  };
}

/**
 * Yields the stream's events. Once the answer has started, failures can no longer become an HTTP error
 * status, so they end the stream with an `error` event; a stream that stops before `message_stop` is one.
 * An abort by the caller ends the iteration quietly: nobody is listening any more.
 */
async function* translateStream(
  body: Body,
  provider: string,
  signal: AbortSignal,
  timeoutMs: number,
): AsyncGenerator<StreamEvent> {
  const parser = new SseParser();
  const translator = new AnthropicStreamTranslator(provider);
  let finished = false;
  try {
    for await (const chunk of body) {
      for (const msg of parser.push(chunk)) {
        for (const ev of translator.push(msg)) {
          if (signal.aborted) return; // events already received in this chunk are not wanted any more either
          yield ev;
        }
      }
    }
    for (const msg of parser.end()) for (const ev of translator.push(msg)) yield ev;
    finished = true;
  } catch (err) {
    if (signal.aborted) return;
    if (!translator.done) {
      const e = transportError(err, provider, '', timeoutMs);
      const message =
        e.code === 'PCX_UPSTREAM_TIMEOUT'
          ? `provider "${provider}" stopped sending within ${timeoutMs} ms`
          : `provider "${provider}" stream failed: ${err instanceof Error && /SSE line/.test(err.message) ? 'event too large' : 'connection lost'}`;
      yield { type: 'error', status: e.status, message };
    }
    return;
  } finally {
    if (!finished) discard(body);
  }
  if (!translator.done) yield { type: 'error', status: 502, message: `provider "${provider}" ended the stream early` };
}
