import { describe, expect, it } from 'vitest';
import type { ResponseFilter } from '../../src/core/exchange.js';
import { FilterChain } from '../../src/gateway/filters.js';

/** Holds back a trailing '[' run, as a placeholder restorer would, and upper-cases what it emits. */
function holdBracket(): ResponseFilter {
  const held = new Map<string, string>();
  return {
    name: 'hold',
    push(channel, delta) {
      const text = (held.get(channel) ?? '') + delta;
      const cut = text.lastIndexOf('[');
      if (cut === -1) {
        held.set(channel, '');
        return text.toUpperCase();
      }
      held.set(channel, text.slice(cut));
      return text.slice(0, cut).toUpperCase();
    },
    flush(channel) {
      const rest = held.get(channel) ?? '';
      held.delete(channel);
      return rest.toUpperCase();
    },
  };
}

function suffix(tag: string): ResponseFilter {
  return { name: tag, push: (_c, d) => d, flush: () => tag };
}

describe('FilterChain', () => {
  it('feeds each filter the previous one’s output and drains held text through later filters', () => {
    const chain = new FilterChain([holdBracket(), suffix('!')]);
    let out = chain.push('text', 'ab[c');
    out += chain.push('text', 'd');
    out += chain.flush('text');
    expect(out).toBe('AB[CD!');
  });

  it('keeps channels apart', () => {
    const chain = new FilterChain([holdBracket()]);
    const a = chain.push('text', 'x[') + chain.push('tool:0', 'y[') + chain.flush('text') + chain.flush('tool:0');
    expect(a).toBe('XY[[');
  });

  it('apply equals push + flush, and an empty chain is the identity', () => {
    expect(new FilterChain([holdBracket()]).apply('text', 'q[r')).toBe('Q[R');
    expect(new FilterChain([]).apply('text', 'q[r')).toBe('q[r');
  });
});
