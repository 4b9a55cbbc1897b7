/**
 * The forward stage: sends the exchange to its route's targets in order until one answers. It falls back
 * only when another target may do better: the upstream could not be reached, timed out, was rate limited
 * (429) or failed (5xx). A 4xx is the request's fault and would fail everywhere; and once a stream has
 * reached the client nothing can be taken back, which the adapter contract guarantees by resolving
 * `stream()` only after the upstream accepted the request.
 *
 * Each provider has a circuit breaker (circuit.ts): a provider that keeps failing is skipped for a
 * cool-down, so requests fall back at once instead of waiting for its timeout. A stream counts as a success
 * once the upstream accepted it; a failure later in the stream is not counted.
 */
import type { ChatRequest, StreamEvent } from '../core/chat.js';
import { isPortcullisError, PortcullisError } from '../core/errors.js';
import type { Exchange, Target } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';
import type { ProviderAdapter } from './adapter.js';
import { EXTRA_DISABLE_PARALLEL } from './anthropic/parse-request.js';
import { anthropicDroppedFields } from './anthropic/render-request.js';
import { CircuitBreakers, outcomeOf } from './circuit.js';

export function isFallbackError(err: unknown): boolean {
  if (!isPortcullisError(err)) return false;
  // Another provider has its own key, so an upstream refusing ours is worth a fallback too.
  if (
    err.code === 'PCX_UPSTREAM_UNREACHABLE' ||
    err.code === 'PCX_UPSTREAM_TIMEOUT' ||
    err.code === 'PCX_UPSTREAM_AUTH'
  )
    return true;
  return err.code === 'PCX_UPSTREAM_ERROR' && (err.status === 429 || err.status >= 500);
}

function elapsedMs(ex: Exchange): number {
  return Number(process.hrtime.bigint() - ex.startedNs) / 1e6;
}

/** Passes events through, naming the public model and recording usage on the exchange as it goes by. */
async function* observe(
  ex: Exchange,
  publicModel: string,
  events: AsyncIterable<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  for await (const ev of events) {
    if (ev.type === 'start') yield { ...ev, model: publicModel };
    else {
      if (ev.type === 'usage') ex.usage = { ...ev.usage };
      yield ev;
    }
  }
}

/**
 * What the chosen upstream will not receive: fields its dialect cannot express, and the client dialect's
 * `extra` fields when the dialects differ. Recorded so a client can learn why, e.g., `n: 3` gave one answer.
 */
export function droppedFields(chat: ChatRequest, adapterType: ProviderAdapter['type']): string[] {
  const dropped = adapterType === 'anthropic' ? anthropicDroppedFields(chat) : [];
  if (chat.extraDialect !== adapterType) {
    for (const k of Object.keys(chat.extra)) if (k !== EXTRA_DISABLE_PARALLEL) dropped.push(k);
  }
  return dropped;
}

async function attempt(ex: Exchange, adapter: ProviderAdapter, target: Target, publicModel: string): Promise<void> {
  const opts = { signal: ex.signal, requestId: ex.id };
  const req = ex.request;
  if (req.kind === 'chat') {
    const dropped = droppedFields(req.chat, adapter.type);
    if (dropped.length > 0) {
      ex.decisions.push({
        stage: 'forward',
        action: 'log',
        reasons: [`provider "${adapter.name}" (${adapter.type}) cannot take: ${dropped.join(', ')}`],
      });
    }
    if (req.chat.stream) {
      const events = await adapter.stream(req.chat, target, opts);
      ex.result = { kind: 'stream', events: observe(ex, publicModel, events) };
    } else {
      const response = await adapter.chat(req.chat, target, opts);
      ex.result = { kind: 'chat', response: { ...response, model: publicModel } };
      ex.usage = { ...response.usage };
    }
  } else if (req.kind === 'embeddings') {
    if (!adapter.embeddings) {
      throw new PortcullisError('PCX_UNSUPPORTED', `provider "${adapter.name}" does not serve embeddings`);
    }
    const body = { ...req.embeddings.extra, model: target.upstreamModel, input: req.embeddings.input };
    const result = await adapter.embeddings(publicModel, body, target, opts);
    ex.result = { kind: 'json', status: 200, body: result.body };
    ex.usage = { inputTokens: result.inputTokens, outputTokens: 0 };
  } else {
    throw new PortcullisError('PCX_INTERNAL', 'forward stage reached without a chat or embeddings request');
  }
}

export interface ForwardOptions {
  /**
   * Circuit breakers per provider (default: one set per stage with the defaults in circuit.ts); `false`
   * turns them off. Pass a shared instance to expose its states (health, metrics).
   */
  circuits?: CircuitBreakers | false;
}

function circuitOpen(provider: string, retryInMs: number): PortcullisError {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new PortcullisError(
    'PCX_UPSTREAM_UNREACHABLE',
    `circuit open for provider "${provider}" after repeated failures; retry in ${seconds}s`,
    { retryAfter: seconds, details: { provider, circuit: 'open' } },
  );
}

export function createForwardStage(adapters: Map<string, ProviderAdapter>, options: ForwardOptions = {}): Stage {
  const circuits = options.circuits === false ? undefined : (options.circuits ?? new CircuitBreakers());
  return async function forward(ex, next) {
    const route = ex.route;
    if (!route || route.targets.length === 0)
      throw new PortcullisError('PCX_INTERNAL', 'forward stage reached without a route');
    let lastError: unknown;
    let attempts = 0;
    for (const [i, target] of route.targets.entries()) {
      if (ex.signal.aborted) throw ex.signal.reason ?? lastError;
      const info = { provider: target.provider, upstreamModel: target.upstreamModel, region: target.region };
      const adapter = adapters.get(target.provider);
      const circuit = adapter ? circuits?.get(target.provider, adapter.circuit) : undefined;
      const admission = circuit?.admit();
      if (admission && !admission.ok) {
        // Skipped without a call: the next target is tried at once. If nothing else is left, a real
        // upstream error from an earlier target says more than the skip; with none, the caller learns when
        // to retry.
        if (attempts === 0) lastError = circuitOpen(target.provider, admission.retryInMs);
        if (i < route.targets.length - 1) {
          ex.decisions.push({
            stage: 'forward',
            action: 'log',
            reasons: [`provider "${target.provider}" skipped: circuit open; trying the next target`],
          });
        }
        continue;
      }
      attempts++;
      try {
        if (!adapter)
          throw new PortcullisError('PCX_UPSTREAM_UNREACHABLE', `provider "${target.provider}" is not configured`);
        await attempt(ex, adapter, target, route.model);
        if (admission) circuit?.record(admission.permit, 'success');
        ex.upstream = { ...info, status: 200, attempts, firstByteMs: elapsedMs(ex) };
        return next();
      } catch (err) {
        // A call the client abandoned says nothing about the provider.
        if (admission) circuit?.record(admission.permit, ex.signal.aborted ? 'neutral' : outcomeOf(err));
        lastError = err;
        ex.upstream = { ...info, status: isPortcullisError(err) ? err.status : 500, attempts };
        if (ex.signal.aborted || !isFallbackError(err)) throw err;
        if (i === route.targets.length - 1) break;
        ex.decisions.push({
          stage: 'forward',
          action: 'log',
          reasons: [
            `provider "${target.provider}" failed (${(err as PortcullisError).code}, ${(err as PortcullisError).status}); trying the next target`,
          ],
        });
      }
    }
    throw lastError;
  };
}
