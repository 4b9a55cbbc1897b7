import type { Exchange } from './exchange.js';

/** A pipeline stage: reads and changes the exchange, calls `next` to continue, or throws to end it. */
export type Stage = (ex: Exchange, next: () => Promise<void>) => Promise<void>;

/** Composes stages into one, onion-style: code after `await next()` sees the answer. */
export function compose(stages: readonly Stage[]): (ex: Exchange) => Promise<void> {
  return function run(ex: Exchange): Promise<void> {
    let last = -1;
    function dispatch(i: number): Promise<void> {
      if (i <= last) return Promise.reject(new Error('next() called twice by one stage'));
      last = i;
      const stage = stages[i];
      if (stage === undefined) return Promise.resolve();
      return stage(ex, () => dispatch(i + 1));
    }
    return dispatch(0);
  };
}
