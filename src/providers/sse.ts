/**
 * Server-sent events (WHATWG HTML §9.2): a streaming parser for upstream answers and a formatter for
 * answers to clients. The parser bounds the line length so a hostile upstream cannot make it buffer
 * without limit.
 */

export interface SseMessage {
  event: string | undefined;
  data: string;
}

export const MAX_SSE_LINE = 8 * 1024 * 1024;
/** One event's data lines together are bounded too: many short lines without a blank line are one event. */
export const MAX_SSE_EVENT = MAX_SSE_LINE;

export class SseParser {
  private buffer = '';
  private dataLines: string[] = [];
  private dataSize = 0;
  private event: string | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  // Where the next CR / LF at or after the scan position is (-1: none in the buffer). Cached so a chunk with
  // many lines is scanned once, not once per line (searching for a CR that never comes is O(n) each time).
  private nextCr = -1;
  private nextLf = -1;
  private pending: string[] = [];
  private pendingLength = 0;

  private takePending(): void {
    if (this.pending.length === 0) return;
    this.buffer += this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
  }

  /** Feeds bytes; returns the complete messages they finish. */
  push(chunk: Uint8Array | string): SseMessage[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    // A chunk without a line break only lengthens the current line. It is kept apart rather than appended:
    // appending and then searching flattens the whole buffer each time, which made a long line sent in many
    // small chunks quadratic (seconds for a few MB). A buffer ending in CR must be looked at now, though.
    if (
      text.indexOf('\n') === -1 &&
      text.indexOf('\r') === -1 &&
      this.buffer.charCodeAt(this.buffer.length - 1) !== 13
    ) {
      this.pending.push(text);
      this.pendingLength += text.length;
      if (this.buffer.length + this.pendingLength > MAX_SSE_LINE)
        throw new Error(`SSE line longer than ${MAX_SSE_LINE} bytes`);
      return [];
    }
    this.takePending();
    // The kept tail holds no line break except possibly a final CR, so only new text needs scanning.
    const from = Math.max(0, this.buffer.length - 1);
    this.buffer += text;
    const out: SseMessage[] = [];
    let start = 0;
    this.nextCr = this.buffer.indexOf('\r', from);
    this.nextLf = this.buffer.indexOf('\n', from);
    for (;;) {
      const nl = this.findNewline(start);
      if (nl === -1) break;
      let end = nl;
      let next = nl + 1;
      if (this.buffer.charCodeAt(nl) === 13 && this.buffer.charCodeAt(nl + 1) === 10) next = nl + 2;
      else if (this.buffer.charCodeAt(nl) === 13 && nl + 1 === this.buffer.length) break; // CR at end: wait for a possible LF
      const line = this.buffer.slice(start, end);
      end = next;
      start = end;
      const msg = this.line(line);
      if (msg) out.push(msg);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > MAX_SSE_LINE) throw new Error(`SSE line longer than ${MAX_SSE_LINE} bytes`);
    return out;
  }

  /** Ends the stream; returns a last message not followed by a blank line, if any. */
  end(): SseMessage[] {
    this.takePending();
    const out: SseMessage[] = [];
    if (this.buffer.length > 0) {
      const msg = this.line(this.buffer);
      if (msg) out.push(msg);
      this.buffer = '';
    }
    if (this.dataLines.length > 0) out.push(this.dispatch());
    return out;
  }

  private findNewline(from: number): number {
    if (this.nextLf !== -1 && this.nextLf < from) this.nextLf = this.buffer.indexOf('\n', from);
    if (this.nextCr !== -1 && this.nextCr < from) this.nextCr = this.buffer.indexOf('\r', from);
    const lf = this.nextLf;
    const cr = this.nextCr;
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return Math.min(cr, lf);
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      if (this.dataLines.length > 0) return this.dispatch();
      // WHATWG §9.2.6: with an empty data buffer nothing is dispatched and the event type is reset.
      this.event = undefined;
      return undefined;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.dataSize += value.length + 1;
      if (this.dataSize > MAX_SSE_EVENT) throw new Error(`SSE event longer than ${MAX_SSE_EVENT} bytes`);
      this.dataLines.push(value);
    } else if (field === 'event') this.event = value;
    return undefined;
  }

  private dispatch(): SseMessage {
    const msg = { event: this.event, data: this.dataLines.join('\n') };
    this.dataLines = [];
    this.dataSize = 0;
    this.event = undefined;
    return msg;
  }
}

/** Formats one SSE message for a client. `data` must not contain a bare CR; JSON.stringify output never does. */
export function formatSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
