import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ChatResponse, StreamEvent } from '../core/chat.js';
import { isPortcullisError, PortcullisError } from '../core/errors.js';
import type { Exchange } from '../core/exchange.js';
import type { StreamRenderer } from './codec.js';
import { FilterChain } from './filters.js';

/** Passes a whole answer through the exchange's response filters (restoration, output guards, degrade). */
export function filterChatResponse(ex: Exchange, resp: ChatResponse): ChatResponse {
  const chain = new FilterChain(ex.responseFilters);
  if (chain.empty) return resp;
  const out: ChatResponse = {
    ...resp,
    text: chain.apply('text', resp.text),
    reasoning: resp.reasoning === undefined ? undefined : chain.apply('reasoning', resp.reasoning) || undefined,
    toolCalls: resp.toolCalls.map((c, i) => ({ ...c, arguments: chain.apply(`tool:${i}`, c.arguments) })),
  };
  // Further choices (n > 1) pass the same filters, on channels of their own (`text@1`, `tool:0@1`, …).
  if (resp.choices !== undefined) {
    out.choices = resp.choices.map((c) => ({
      ...c,
      text: chain.apply(`text@${c.index}`, c.text),
      reasoning: c.reasoning === undefined ? undefined : chain.apply(`reasoning@${c.index}`, c.reasoning) || undefined,
      toolCalls: c.toolCalls.map((t, i) => ({ ...t, arguments: chain.apply(`tool:${i}@${c.index}`, t.arguments) })),
    }));
  }
  return out;
}

async function write(res: ServerResponse, text: string): Promise<void> {
  if (text.length === 0 || res.destroyed) return;
  if (!res.write(text)) {
    await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
}

export interface StreamOutcome {
  /** The error that ended the stream early, if any. */
  error?: PortcullisError;
}

/**
 * Writes a streamed answer: every event passes the filter chain, channels are flushed at the end of
 * their content, and `beforeEnd` (the record hook) runs before the closing bytes are written.
 */
export async function pipeStream(
  ex: Exchange,
  res: ServerResponse,
  events: AsyncIterable<StreamEvent>,
  renderer: StreamRenderer,
  beforeEnd: (outcome: StreamOutcome) => void,
): Promise<void> {
  const chain = new FilterChain(ex.responseFilters);
  const open = new Set<string>();
  const outcome: StreamOutcome = {};
  let buffered = '';
  const emit = (ev: StreamEvent): void => {
    for (const s of renderer.render(ev)) buffered += s;
  };
  // Channels of a further choice (n > 1) carry its index: `text@1`, `tool:0@1`.
  const ch = (base: string, choice: number | undefined): string =>
    choice === undefined || choice === 0 ? base : `${base}@${choice}`;
  const pushText = (channel: string, delta: string, make: (t: string) => StreamEvent): void => {
    open.add(channel);
    const out = chain.empty ? delta : chain.push(channel, delta);
    if (out.length > 0) emit(make(out));
  };
  const flushChannel = (channel: string): void => {
    if (!open.delete(channel) || chain.empty) return;
    const rest = chain.flush(channel);
    if (rest.length === 0) return;
    const at = channel.indexOf('@');
    const base = at < 0 ? channel : channel.slice(0, at);
    const choice = at < 0 ? undefined : Number(channel.slice(at + 1));
    const tag = choice === undefined ? {} : { choice };
    if (base === 'text') emit({ type: 'text', text: rest, ...tag });
    else if (base === 'reasoning') emit({ type: 'reasoning', text: rest, ...tag });
    else emit({ type: 'tool_args', index: Number(base.slice(5)), delta: rest, ...tag });
  };
  const flushChoice = (choice: number | undefined): void => {
    const suffix = choice === undefined || choice === 0 ? '' : `@${choice}`;
    for (const c of [...open]) {
      const at = c.indexOf('@');
      if ((at < 0 ? '' : c.slice(at)) === suffix) flushChannel(c);
    }
  };
  const flushAll = (): void => {
    for (const channel of [...open]) flushChannel(channel);
  };

  const iterator = events[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      const ev = step.value;
      for (const observe of ex.streamObservers) observe(ev);
      switch (ev.type) {
        case 'text':
          if (ev.choice === undefined) pushText('text', ev.text, (t) => ({ type: 'text', text: t }));
          else pushText(ch('text', ev.choice), ev.text, (t) => ({ type: 'text', text: t, choice: ev.choice }));
          break;
        case 'reasoning':
          if (ev.choice === undefined) pushText('reasoning', ev.text, (t) => ({ type: 'reasoning', text: t }));
          else
            pushText(ch('reasoning', ev.choice), ev.text, (t) => ({ type: 'reasoning', text: t, choice: ev.choice }));
          break;
        case 'tool_args':
          pushText(ch(`tool:${ev.index}`, ev.choice), ev.delta, (t) =>
            ev.choice === undefined
              ? { type: 'tool_args', index: ev.index, delta: t }
              : { type: 'tool_args', index: ev.index, delta: t, choice: ev.choice },
          );
          break;
        case 'tool_call':
          flushChoice(ev.choice);
          emit(ev);
          break;
        case 'finish':
          // Only this choice's channels: another choice still streaming keeps its held tail and scan state.
          flushChoice(ev.choice);
          emit(ev);
          break;
        case 'usage':
          ex.usage = ev.usage;
          emit(ev);
          break;
        default:
          emit(ev);
      }
      if (buffered.length > 0) {
        const out = buffered;
        buffered = '';
        await write(res, out);
      }
      if (res.destroyed) break;
    }
    flushAll();
  } catch (err) {
    outcome.error = isPortcullisError(err)
      ? err
      : new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', 'the upstream stream ended abnormally', { cause: err });
    emit({ type: 'error', status: outcome.error.status, message: outcome.error.message });
    await iterator.return?.().catch(() => undefined);
  }
  if (res.destroyed) {
    await iterator.return?.().catch(() => undefined);
    beforeEnd(outcome);
    return;
  }
  beforeEnd(outcome);
  for (const s of renderer.end()) buffered += s;
  res.end(buffered);
}
