import type { ResponseFilter } from '../core/exchange.js';

/**
 * Runs an exchange's response filters in order: each filter's output is the next one's input, and a
 * channel's flush drains every filter in turn, so text a filter held back still passes the later ones.
 */
export class FilterChain {
  constructor(private readonly filters: readonly ResponseFilter[]) {}

  get empty(): boolean {
    return this.filters.length === 0;
  }

  push(channel: string, delta: string): string {
    let text = delta;
    for (const f of this.filters) text = f.push(channel, text);
    return text;
  }

  flush(channel: string): string {
    let carried = '';
    for (const f of this.filters) {
      carried = carried.length > 0 ? f.push(channel, carried) + f.flush(channel) : f.flush(channel);
    }
    return carried;
  }

  /**
   * A whole (non-streamed) text through the chain: each filter takes its whole input at once (`whole`, or
   * push then flush), the same text the chained push and flush would give it in two pieces.
   */
  apply(channel: string, text: string): string {
    let out = text;
    for (const f of this.filters) out = f.whole ? f.whole(channel, out) : f.push(channel, out) + f.flush(channel);
    return out;
  }
}
