/**
 * The forward stage: sends the exchange to its route's targets in order until one answers. It falls back
 * only when another target may do better: the upstream could not be reached, timed out, was rate limited
 * (429) or failed (5xx). A 4xx is the request's fault and would fail everywhere; and once a stream has
 * reached the client nothing can be taken back, which the adapter contract guarantees by resolving
 * `stream()` only after the upstream accepted the request.
 */
import type { ChatRequest, StreamEvent } from '../core/chat.js';
import { isPortcullisError, PortcullisError } from '../core/errors.js';
import type { Exchange, Target } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';
import type { ProviderAdapter } from './adapter.js';
import { EXTRA_DISABLE_PARALLEL } from './anthropic/parse-request.js';
import { anthropicDroppedFields } from './anthropic/render-request.js';

export function isFallbackError(err: unknown): boolean {
  if (!isPortcullisError(err)) return false;
  if (err.code === 'PCX_UPSTREAM_UNREACHABLE' || err.code === 'PCX_UPSTREAM_TIMEOUT') return true;
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

export function createForwardStage(adapters: Map<string, ProviderAdapter>): Stage {
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
      attempts++;
      try {
        if (!adapter)
          throw new PortcullisError('PCX_UPSTREAM_UNREACHABLE', `provider "${target.provider}" is not configured`);
        await attempt(ex, adapter, target, route.model);
        ex.upstream = { ...info, status: 200, attempts, firstByteMs: elapsedMs(ex) };
        return next();
      } catch (err) {
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
