import { describe, expect, it } from 'vitest';
import { KeywordIndex } from '../../../src/guards/text/keyword-index.js';

// Deterministic xorshift, so a failure names a reproducible case.
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

const naive = (lists: readonly (readonly string[])[], text: string) =>
  lists.map((words) => (words.some((w) => text.includes(w)) ? 1 : 0));

describe('KeywordIndex', () => {
  it('agrees with includes() on random texts over a small alphabet (keywords of 1–6 chars, sharing pairs)', () => {
    const next = rng(20261124);
    // "a", "b", "c", "!" and "A" differ by 32 in code or collide mod 32 in the third-character mask.
    const alphabet = ['a', 'b', 'c', '!', 'A', 'é', '中', ' '];
    const pick = () => alphabet[Math.floor(next() * alphabet.length)]!;
    const word = (len: number) => Array.from({ length: len }, pick).join('');
    for (let round = 0; round < 300; round++) {
      const lists = Array.from({ length: 1 + Math.floor(next() * 5) }, () =>
        Array.from({ length: 1 + Math.floor(next() * 3) }, () => word(1 + Math.floor(next() * 6))),
      );
      const index = new KeywordIndex(lists);
      for (let t = 0; t < 20; t++) {
        const text = word(Math.floor(next() * 40));
        expect([...index.hits(text)], JSON.stringify({ lists, text })).toEqual(naive(lists, text));
      }
    }
  });

  it('finds keywords at the very end of the text and two-character keywords', () => {
    const index = new KeywordIndex([['token'], ['sk'], ['中文'], ['key']]);
    expect([...index.hits('my api token')]).toEqual([1, 0, 0, 0]);
    expect([...index.hits('ask')]).toEqual([0, 1, 0, 0]);
    expect([...index.hits('写中文')]).toEqual([0, 0, 1, 0]);
    expect([...index.hits('ke')]).toEqual([0, 0, 0, 0]);
    expect([...index.hits('toke key')]).toEqual([0, 0, 0, 1]);
    expect([...index.hits('')]).toEqual([0, 0, 0, 0]);
  });
});
