import type { ChatRequest, ChatResponse, Dialect, EmbeddingsRequest, Endpoint, StreamEvent, Usage } from './chat.js';
import type { Decision, Finding } from './findings.js';

/** Who the caller authenticated as. */
export interface Principal {
  tenant: string;
  keyId: string;
  /** Public model names the key may use; null means every model. */
  models: string[] | null;
}

/** One concrete place a request can be sent: a provider and the model it is asked for. */
export interface Target {
  provider: string;
  /** The model name sent upstream. */
  upstreamModel: string;
  region: string;
  weight: number;
}

export interface RoutePlan {
  /** Public model name. */
  model: string;
  /** Ordered: the first is tried first, the rest are fallbacks. */
  targets: Target[];
}

export interface UpstreamInfo {
  provider: string;
  upstreamModel: string;
  region: string;
  status: number;
  attempts: number;
  /** ms from request start to the first upstream byte. */
  firstByteMs?: number;
}

/**
 * Transforms answer text on its way to the client, streamed or not. Channels are `text`, `reasoning`
 * and `tool:<index>` (tool-call arguments). `push` may hold back a tail (e.g. a placeholder split across
 * chunks) and `flush` returns it at the end of the channel. Throwing a PortcullisError ends the answer.
 */
export interface ResponseFilter {
  readonly name: string;
  push(channel: string, delta: string): string;
  flush(channel: string): string;
  /**
   * Optional: a channel's whole text at once (a non-streamed answer), equal to `push(text) + flush()` but
   * in one pass. Filters without it get push and flush.
   */
  whole?(channel: string, text: string): string;
}

export type ExchangeResult =
  | { kind: 'chat'; response: ChatResponse }
  | { kind: 'stream'; events: AsyncIterable<StreamEvent> }
  /** Responses forwarded or computed as plain JSON (embeddings, count_tokens, models). */
  | { kind: 'json'; status: number; body: unknown };

export type ExchangeRequest =
  | { kind: 'chat'; chat: ChatRequest }
  | { kind: 'embeddings'; embeddings: EmbeddingsRequest }
  | { kind: 'none' };

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
  /** Lower-cased request headers. Attacker-controlled. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One request's way through the pipeline. Stages read it, add findings and decisions, or end it. */
export interface Exchange {
  readonly id: string;
  /** ms since epoch at arrival. */
  readonly receivedAt: number;
  /** process.hrtime.bigint() at arrival, for latency. */
  readonly startedNs: bigint;
  readonly dialect: Dialect;
  readonly endpoint: Endpoint;
  readonly client: ClientInfo;
  /** Aborted when the client disconnects or the gateway gives up. */
  readonly signal: AbortSignal;
  /** The parsed request (attacker-controlled until the guards have run). */
  request: ExchangeRequest;
  /**
   * Parses the client's body into `request`. The decode stage runs it after authentication, so a caller
   * without a valid key learns nothing from validation errors.
   */
  decode?: () => ExchangeRequest;
  principal?: Principal;
  /** Regions the data may go to (set by admission from tenant, key and headers); undefined = any. */
  allowedRegions?: readonly string[];
  route?: RoutePlan;
  upstream?: UpstreamInfo;
  result?: ExchangeResult;
  usage?: Usage;
  readonly findings: Finding[];
  readonly decisions: Decision[];
  /** Applied in order to every answer (streamed or not) before it is rendered for the client. */
  readonly responseFilters: ResponseFilter[];
  /**
   * Called with every event of a streamed answer as the upstream produced it, before the response filters
   * (the audit log keeps a `full`-mode answer this way). Observers must be cheap and must not throw.
   */
  readonly streamObservers: Array<(ev: StreamEvent) => void>;
  /** Headers to add to the client's response (e.g. `x-portcullis-findings`, `x-ratelimit-*`). */
  readonly responseHeaders: Record<string, string>;
  /**
   * Called once, synchronously, just before the last byte of the answer is written (or on error). Work that
   * need not hold up the answer is scheduled from here to run just after it (see telemetry/record.ts).
   */
  readonly onFinish: Array<(ex: Exchange) => void>;
  /** Set when the exchange ended with an error. */
  error?: { code: string; status: number; message: string };
  /** Final HTTP status sent to the client. */
  status?: number;
}

export interface NewExchange {
  id: string;
  dialect: Dialect;
  endpoint: Endpoint;
  client: ClientInfo;
  signal: AbortSignal;
  request: ExchangeRequest;
}

export function createExchange(init: NewExchange): Exchange {
  return {
    id: init.id,
    receivedAt: Date.now(),
    startedNs: process.hrtime.bigint(),
    dialect: init.dialect,
    endpoint: init.endpoint,
    client: init.client,
    signal: init.signal,
    request: init.request,
    findings: [],
    decisions: [],
    responseFilters: [],
    streamObservers: [],
    responseHeaders: {},
    onFinish: [],
  };
}

/** Runs the onFinish hooks once. Hooks must not throw; one that does is reported and the rest still run. */
export function finishExchange(ex: Exchange, report: (err: unknown) => void): void {
  const hooks = ex.onFinish.splice(0);
  for (const hook of hooks) {
    try {
      hook(ex);
    } catch (err) {
      report(err);
    }
  }
}
