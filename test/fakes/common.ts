/**
 * Shared plumbing for fake upstreams (OpenAI, Anthropic): a real node:http server on 127.0.0.1:0 that
 * records every request and lets each test change how it answers. The dialect-specific fakes only
 * decide what to write; timing faults (delay, hang, drop) are modelled here once so both fakes behave
 * the same way under the same setting.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** Set when the client closed the connection before the answer was complete (e.g. the gateway aborted). */
  aborted?: boolean;
}

/** Faults and timing every fake understands. */
export interface CommonBehaviour {
  /** Answer with this status and `errorBody` instead of a normal answer. */
  failStatus?: number;
  /** The error body to send with `failStatus` (a string is sent as plain text); each fake has a dialect default. */
  errorBody?: unknown;
  /** Extra headers sent with `failStatus` (e.g. `retry-after`). */
  errorHeaders?: Record<string, string>;
  /** Wait this long before sending the status line and headers. */
  headerDelayMs?: number;
  /** Wait this long between stream chunks. */
  chunkDelayMs?: number;
  /** Never answer (the socket stays open until the client gives up or the fake closes). */
  hang?: boolean;
  /** Streaming: destroy the socket after writing this many chunks. */
  dropAfterChunks?: number;
}

export interface FakeServer<B> {
  /** Base URL ending in `/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Replaces the behaviour (unset fields take their defaults). */
  setBehaviour(b: B): void;
  close(): Promise<void>;
}

export type FakeHandler<B> = (req: RecordedRequest, res: ServerResponse, behaviour: B) => Promise<void>;

/**
 * Starts a fake. The handler runs after the request is recorded and after the common faults
 * (hang, header delay) have been applied; it answers the dialect-specific part.
 */
export async function startFakeServer<B extends CommonBehaviour>(
  initial: B,
  handler: FakeHandler<B>,
): Promise<FakeServer<B>> {
  const requests: RecordedRequest[] = [];
  let behaviour = initial;
  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) recorded.aborted = true;
      });
      const b = behaviour;
      if (b.hang) return; // closeAllConnections() in close() ends it
      if (b.headerDelayMs) await sleep(b.headerDelayMs);
      await handler(recorded, res, b);
    })().catch((err: unknown) => {
      if (!res.headersSent) writeJson(res, 500, { error: { message: String(err), type: 'fake_error' } });
      else res.destroy();
    });
  });
  // close() ends idle keep-alive sockets itself. The hint must stay well above undici's 2 s
  // keepAliveTimeoutThreshold, or clients close every connection after one request (which would make the
  // benchmarks measure TCP set-up instead of the gateway).
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setBehaviour(b: B) {
      behaviour = b;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
  }
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    rawBody,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Writes SSE messages with the behaviour's chunk delay and drop fault. Each entry is one complete SSE
 * message (already formatted, ending in a blank line).
 */
export async function writeSseMessages(
  res: ServerResponse,
  messages: readonly string[],
  b: CommonBehaviour,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  let written = 0;
  for (const msg of messages) {
    if (b.dropAfterChunks !== undefined && written >= b.dropAfterChunks) {
      res.destroy();
      return;
    }
    if (b.chunkDelayMs && written > 0) await sleep(b.chunkDelayMs);
    if (res.destroyed) return;
    res.write(msg);
    written++;
  }
  res.end();
}

/** Splits text into `n` roughly equal pieces (at least one character each, never more pieces than characters). */
export function splitInto(text: string, n: number): string[] {
  if (text.length === 0) return [];
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const LOREM =
  'The gateway inspects each request before it reaches the model and each answer before it reaches the caller. ' +
  'It records what it decided and why, so an operator can explain every refusal later. ';

/** A deterministic, realistic-looking answer of about `bytes` bytes, for benchmarks. */
export function realisticAnswer(bytes: number): string {
  let out = '';
  while (out.length < bytes) out += LOREM;
  return out.slice(0, bytes);
}
