/**
 * The shape stage: applies an account's current extraction verdict to a request before it is routed.
 * Responses escalate: log and alert only record a Decision; throttle limits the account's rate;
 * degrade also caps the answer and removes what distillation wants most (log-probabilities, extra
 * samples, reasoning); block refuses. The verdict itself is computed off the request path by the
 * recorder, so this stage is a map lookup and, at most, a few field writes.
 */
import type { ExtractionConfig } from '../config/extraction.js';
import type { ChatRequest } from '../core/chat.js';
import { PortcullisError } from '../core/errors.js';
import type { Exchange, Principal, ResponseFilter } from '../core/exchange.js';
import type { Decision } from '../core/findings.js';
import type { Stage } from '../core/stage.js';
import type { ExtractionEngine, Verdict } from './engine.js';

export const STAGE_NAME = 'extraction';
export const DETECTOR = 'extraction.profile';

/** Strength of the responses a key-watch action may raise a request to. */
const RANK = { log: 1, alert: 2, throttle: 3, degrade: 4, block: 5 } as const;

/** The account an exchange counts against, by `account_by`. */
export function accountOf(p: Principal, by: ExtractionConfig['account_by']): string {
  return by === 'key' ? `${p.tenant}/${p.keyId}` : p.tenant;
}

/** Drops the reasoning channel of an answer (streamed or not), of every choice (`reasoning`, `reasoning@1`, …). */
export const stripReasoning: ResponseFilter = {
  name: 'extraction.strip_reasoning',
  push: (channel, delta) => (channel === 'reasoning' || channel.startsWith('reasoning@') ? '' : delta),
  flush: () => '',
};

/** Request fields that ask for reasoning, per dialect; removed while degraded. */
const REASONING_FIELDS = ['reasoning_effort', 'reasoning', 'thinking'] as const;

/** Sliding one-minute window of request times per throttled account; bounded by the rate limit. */
export class Throttle {
  private readonly windows = new Map<string, number[]>();
  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 when the request may pass (and is counted). */
  take(account: string, now: number): number {
    let w = this.windows.get(account);
    if (!w) {
      w = [];
      this.windows.set(account, w);
    }
    while (w.length > 0 && w[0]! <= now - 60_000) w.shift();
    if (w.length >= this.perMinute) return Math.max(1, Math.ceil((w[0]! + 60_000 - now) / 1000));
    w.push(now);
    return 0;
  }

  forget(account: string): void {
    this.windows.delete(account);
  }
}

export interface ShapeOptions {
  config: ExtractionConfig;
  engine: ExtractionEngine;
  throttle: Throttle;
  now: () => number;
  /** Keeps the request as the client sent it, for the recorder (degrading must not hide evidence). */
  remember: (ex: Exchange, original: ChatRequest) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function decision(v: Verdict, action: Decision['action']): Decision {
  return {
    stage: STAGE_NAME,
    action,
    detector: DETECTOR,
    score: Math.round(v.score * 1000) / 1000,
    reasons: v.reasons.slice(),
  };
}

function degrade(chat: ChatRequest, d: ExtractionConfig['degrade']): void {
  chat.maxTokens = chat.maxTokens === undefined ? d.max_tokens : Math.min(chat.maxTokens, d.max_tokens);
  if (d.drop_logprobs) {
    chat.logprobs = undefined;
    chat.topLogprobs = undefined;
    for (const k of ['logprobs', 'top_logprobs', 'include'] as const) delete chat.extra[k];
  }
  if (d.single_sample && chat.n !== undefined && chat.n > 1) chat.n = 1;
  // A thinking budget above the capped max_tokens would make the upstream reject the request.
  if (d.strip_reasoning) for (const k of REASONING_FIELDS) delete chat.extra[k];
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createShapeStage(o: ShapeOptions): Stage {
  const { config, engine, throttle } = o;
  const sleep = o.sleep ?? defaultSleep;
  return async function extractionShape(ex: Exchange, next: () => Promise<void>): Promise<void> {
    if (!config.enabled || ex.principal === undefined || ex.request.kind !== 'chat') return next();
    const chat = ex.request.chat;
    o.remember(ex, { ...chat, extra: { ...chat.extra } });
    const account = accountOf(ex.principal, config.account_by);
    const v = engine.verdict(account);
    if (v === undefined || v.action === 'allow') return next();
    let action = v.action;
    let reasons = v.reasons;
    let bucket = account;
    let substream = false;
    // A flagged key (stolen or shared): the key-watch response goes to the matching sub-stream only,
    // so the app on the same key keeps working.
    const kw = config.key_watch;
    if (
      v.substream !== undefined &&
      kw.action !== 'alert' &&
      RANK[kw.action] > (RANK[action as keyof typeof RANK] ?? 0)
    ) {
      const hit = engine.inSubstream({
        ts: o.now(),
        account,
        key: ex.principal.keyId,
        ip: ex.client.ip,
        userAgent: ex.client.userAgent,
        request: chat,
      });
      if (hit) {
        substream = true;
        action = kw.action;
        reasons = [...reasons, 'key_substream_match'];
        bucket = `${account}\u0000substream`;
      }
    }
    const vd: Verdict = reasons === v.reasons ? v : { ...v, reasons };
    switch (action) {
      case 'block':
        ex.decisions.push(decision(vd, 'block'));
        // The app on the key keeps working: the refusal names the key's sub-stream, not the account.
        if (substream)
          throw new PortcullisError(
            'PCX_KEY_SUBSTREAM_BLOCKED',
            "this request matches a flagged sub-stream of this API key (possible stolen or shared key) and is refused; the key's other traffic is served; contact the operator",
            { details: { detector: DETECTOR, scope: 'key_substream' } },
          );
        throw new PortcullisError(
          'PCX_ACCOUNT_BLOCKED',
          'this account is blocked: its traffic matches a model-extraction pattern; contact the operator',
          {
            details: { detector: DETECTOR },
          },
        );
      case 'degrade':
      case 'throttle': {
        const wait = throttle.take(bucket, o.now());
        if (wait > 0) {
          ex.decisions.push(decision(vd, 'throttle'));
          throw new PortcullisError(
            'PCX_THROTTLED',
            substream
              ? `requests matching a flagged sub-stream of this API key are limited to ${config.throttle.requests_per_minute} per minute`
              : `this account is limited to ${config.throttle.requests_per_minute} requests per minute`,
            {
              retryAfter: wait,
              details: substream ? { detector: DETECTOR, scope: 'key_substream' } : { detector: DETECTOR },
            },
          );
        }
        if (action === 'throttle') {
          ex.decisions.push(decision(vd, 'throttle'));
          break;
        }
        ex.decisions.push(decision(vd, 'degrade'));
        degrade(chat, config.degrade);
        if (config.degrade.strip_reasoning) ex.responseFilters.push(stripReasoning);
        if (config.degrade.added_latency_ms > 0) await sleep(config.degrade.added_latency_ms, ex.signal);
        break;
      }
      default:
        ex.decisions.push(decision(vd, action));
    }
    return next();
  };
}
