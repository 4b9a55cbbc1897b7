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

export class SseParser {
  private buffer = '';
  private dataLines: string[] = [];
  private event: string | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds bytes; returns the complete messages they finish. */
  push(chunk: Uint8Array | string): SseMessage[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseMessage[] = [];
    let start = 0;
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
    const lf = this.buffer.indexOf('\n', from);
    const cr = this.buffer.indexOf('\r', from);
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return Math.min(cr, lf);
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dataLines.length > 0 || this.event !== undefined ? this.dispatch() : undefined;
    if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.event = value;
    return undefined;
  }

  private dispatch(): SseMessage {
    const msg = { event: this.event, data: this.dataLines.join('\n') };
    this.dataLines = [];
    this.event = undefined;
    return msg;
  }
}

/** Formats one SSE message for a client. `data` must not contain a bare CR; JSON.stringify output never does. */
export function formatSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
