/**
 * Trace lines (specs/traffic-trace.md): parsing and validation of one JSONL line. A line that is not
 * JSON, or lacks `ts`, `account` or `body`, is an error carrying its reason; the caller reports the
 * line number and goes on.
 */
import type { RequestObservation } from './types.js';

export interface TraceEvent extends RequestObservation {
  /** The `ts` text exactly as written (verdicts repeat it). */
  tsText: string;
}

export type ParsedLine = { ok: true; event: TraceEvent } | { ok: false; reason: string };

/** Longest line accepted; longer lines are reported rather than parsed (bounded memory per line). */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;

export function parseTraceLine(line: string): ParsedLine {
  if (line.length > MAX_LINE_CHARS) return { ok: false, reason: `line longer than ${MAX_LINE_CHARS} characters` };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.ts !== 'string') return { ok: false, reason: 'missing or non-string "ts"' };
  const ts = Date.parse(o.ts);
  if (!Number.isFinite(ts))
    return { ok: false, reason: `"ts" is not an RFC 3339 time: ${JSON.stringify(o.ts.slice(0, 40))}` };
  if (typeof o.account !== 'string' || o.account.length === 0)
    return { ok: false, reason: 'missing or empty "account"' };
  if (typeof o.body !== 'object' || o.body === null || Array.isArray(o.body))
    return { ok: false, reason: 'missing or non-object "body"' };
  const r = o.response;
  let response: TraceEvent['response'];
  if (typeof r === 'object' && r !== null) {
    const ro = r as Record<string, unknown>;
    response = {
      status: typeof ro.status === 'number' ? ro.status : undefined,
      outputTokens: typeof ro.output_tokens === 'number' ? ro.output_tokens : undefined,
      finishReason: typeof ro.finish_reason === 'string' ? ro.finish_reason : undefined,
    };
  }
  return {
    ok: true,
    event: {
      ts,
      tsText: o.ts,
      account: o.account,
      key: typeof o.key === 'string' ? o.key : undefined,
      ip: typeof o.ip === 'string' ? o.ip : '',
      userAgent: typeof o.user_agent === 'string' ? o.user_agent : undefined,
      path: typeof o.path === 'string' ? o.path : undefined,
      body: o.body,
      response,
    },
  };
}
