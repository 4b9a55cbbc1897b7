import type { AuditConfig, ContentMode } from '../config/audit.js';
import type { Exchange, ResponseFilter } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';

/**
 * Keeps the text of a streamed answer for the audit entry when the tenant's policy records content in
 * full. A streamed answer is never held whole by the exchange, so a pass-through response filter,
 * installed first in the chain (by the outermost stage, before any other stage adds its filters), sees
 * each delta as the upstream produced it: the same text a non-streamed answer records from the result.
 * Installed only when some tenant's mode is `full`, so other deployments keep an empty filter chain.
 */

/** Characters kept per answer; the rest is dropped and the entry says so (an entry must stay bounded). */
export const MAX_CAPTURED_CHARS = 1_000_000;

export interface CapturedAnswer {
  text: string;
  reasoning: string;
  truncated: boolean;
}

const captured = new WeakMap<Exchange, CapturedAnswer>();

export function modeFor(config: AuditConfig, tenant: string | undefined): ContentMode {
  return (tenant !== undefined ? config.content.tenants[tenant] : undefined) ?? config.content.default;
}

/** Whether any tenant's answers may be recorded. */
export function capturesAnswers(config: AuditConfig): boolean {
  return (
    config.enabled &&
    (config.content.default === 'full' || Object.values(config.content.tenants).some((m) => m === 'full'))
  );
}

/** Adds the capturing filter to an exchange (cheap: nothing is kept unless the answer streams for a `full` tenant). */
export function captureAnswer(config: AuditConfig, ex: Exchange): void {
  const filter: ResponseFilter = {
    name: 'audit.capture',
    push(channel, delta) {
      if (ex.result?.kind !== 'stream' || (channel !== 'text' && channel !== 'reasoning')) return delta;
      let got = captured.get(ex);
      if (!got) {
        if (modeFor(config, ex.principal?.tenant) !== 'full') return delta;
        got = { text: '', reasoning: '', truncated: false };
        captured.set(ex, got);
      }
      const room = MAX_CAPTURED_CHARS - got.text.length - got.reasoning.length;
      const kept = delta.length <= room ? delta : delta.slice(0, Math.max(0, room));
      if (kept.length < delta.length) got.truncated = true;
      if (channel === 'text') got.text += kept;
      else got.reasoning += kept;
      return delta;
    },
    flush() {
      return '';
    },
  };
  ex.responseFilters.push(filter);
}

/** The streamed answer captured for an exchange, if any. */
export function capturedAnswer(ex: Exchange): CapturedAnswer | undefined {
  return captured.get(ex);
}

/**
 * Wraps the outermost (record) stage so the capturing filter is the first of the chain. Returns the
 * stage unchanged when no tenant records answers.
 */
export function withAnswerCapture(config: AuditConfig, stage: Stage): Stage {
  if (!capturesAnswers(config)) return stage;
  return async function recordWithCapture(ex, next) {
    captureAnswer(config, ex);
    return stage(ex, next);
  };
}
