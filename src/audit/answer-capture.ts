import type { AuditConfig, ContentMode } from '../config/audit.js';
import type { StreamEvent } from '../core/chat.js';
import type { Exchange } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';

/**
 * Keeps a streamed answer for the audit entry when the tenant's policy records content in full. A streamed
 * answer is never held whole by the exchange, so a stream observer sees each event as the upstream produced
 * it: the same answer a non-streamed exchange records from its result, tool calls and further choices
 * included. Installed only when some tenant's mode is `full`.
 */

/** Characters kept per answer; the rest is dropped and the entry says so (an entry must stay bounded). */
export const MAX_CAPTURED_CHARS = 1_000_000;

/** One tool call of a streamed answer as recorded: what the model asked the caller's software to do. */
export interface CapturedToolCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
}

/** What one choice of a streamed answer said. */
export interface CapturedChoice {
  text: string;
  reasoning: string;
  toolCalls: CapturedToolCall[];
}

export interface CapturedAnswer extends CapturedChoice {
  truncated: boolean;
  /** Choices after the first (OpenAI `n` > 1), by index. */
  more: Map<number, CapturedChoice>;
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

const emptyChoice = (): CapturedChoice => ({ text: '', reasoning: '', toolCalls: [] });

/**
 * Adds the capturing observer to an exchange. It sees every event of a streamed answer as the upstream
 * produced it, before any response filter: text, reasoning, and tool calls (name, id and arguments) of every
 * choice. Nothing is kept unless the answer streams for a tenant recording content in full.
 */
export function captureAnswer(config: AuditConfig, ex: Exchange): void {
  let got: CapturedAnswer | undefined;
  let used = 0;
  const keep = (delta: string): string => {
    const room = MAX_CAPTURED_CHARS - used;
    const kept = delta.length <= room ? delta : delta.slice(0, Math.max(0, room));
    if (kept.length < delta.length) got!.truncated = true;
    used += kept.length;
    return kept;
  };
  const choiceOf = (a: CapturedAnswer, index: number | undefined): CapturedChoice => {
    if (index === undefined || index === 0) return a;
    let c = a.more.get(index);
    if (c === undefined) {
      c = emptyChoice();
      a.more.set(index, c);
    }
    return c;
  };
  const observe = (ev: StreamEvent): void => {
    if (got === undefined) {
      if (modeFor(config, ex.principal?.tenant) !== 'full') return;
      got = { ...emptyChoice(), truncated: false, more: new Map() };
      captured.set(ex, got);
    }
    switch (ev.type) {
      case 'text':
        choiceOf(got, ev.choice).text += keep(ev.text);
        break;
      case 'reasoning':
        choiceOf(got, ev.choice).reasoning += keep(ev.text);
        break;
      case 'tool_call':
        // Bounded like the text: a stream cannot grow the entry past the cap with calls either.
        if (used < MAX_CAPTURED_CHARS) {
          choiceOf(got, ev.choice).toolCalls.push({ index: ev.index, id: ev.id, name: keep(ev.name), arguments: '' });
        } else got.truncated = true;
        break;
      case 'tool_args': {
        const call = choiceOf(got, ev.choice).toolCalls.find((t) => t.index === ev.index);
        if (call) call.arguments += keep(ev.delta);
        break;
      }
      default:
    }
  };
  ex.streamObservers.push(observe);
}

/**
 * The answer as the audit entry records it, streamed or not: text, reasoning (when there is some), tool
 * calls (name and arguments; an empty list when none), and further choices (n > 1) when there are any.
 */
export function answerRecord(first: AnswerParts, more: readonly (AnswerParts & { index: number })[] = []) {
  const one = (c: AnswerParts) => ({
    text: c.text,
    reasoning: c.reasoning === undefined || c.reasoning === '' ? undefined : c.reasoning,
    tool_calls: c.toolCalls.map((t) => ({ name: t.name, arguments: t.arguments })),
  });
  return {
    ...one(first),
    choices: more.length === 0 ? undefined : more.map((c) => ({ index: c.index, ...one(c) })),
  };
}

interface AnswerParts {
  text: string;
  reasoning?: string;
  toolCalls: readonly { name: string; arguments: string }[];
}

/** The audit record of a captured streamed answer. */
export function capturedRecord(a: CapturedAnswer) {
  const more = [...a.more].sort((x, y) => x[0] - y[0]).map(([index, c]) => ({ index, ...c }));
  return { ...answerRecord(a, more), truncated: a.truncated ? true : undefined };
}

/** The streamed answer captured for an exchange, if any. */
export function capturedAnswer(ex: Exchange): CapturedAnswer | undefined {
  return captured.get(ex);
}

/** Wraps the outermost (record) stage to install the capture. Returns the stage unchanged when no tenant records answers. */
export function withAnswerCapture(config: AuditConfig, stage: Stage): Stage {
  if (!capturesAnswers(config)) return stage;
  return async function recordWithCapture(ex, next) {
    captureAnswer(config, ex);
    return stage(ex, next);
  };
}
