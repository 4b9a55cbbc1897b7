import { describe, expect, it } from 'vitest';
import { ContextWords } from '../../../src/guards/text/context.js';
import { shannonEntropy } from '../../../src/guards/text/entropy.js';
import { resolveOverlaps } from '../../../src/guards/text/overlap.js';

describe('ContextWords', () => {
  const words = new ContextWords(['dob', 'date of birth', '出生日期']);
  it('finds words case-insensitively before a span', () => {
    const t = 'Patient DOB: 01/02/1980';
    expect(words.near(t, 13, 23)).toBe(true);
  });
  it('needs a word boundary before Latin words but not before CJK words', () => {
    expect(words.near('adobe 01/02/1980', 6, 16)).toBe(false);
    expect(words.near('患者出生日期1980年', 6, 11)).toBe(true);
  });
  it('respects the window', () => {
    const t = `dob${' '.repeat(100)}01/02/1980`;
    expect(words.near(t, 103, 113, 48, 0)).toBe(false);
  });
});

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct characters', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2, 10);
    expect(shannonEntropy('')).toBe(0);
  });
});

describe('resolveOverlaps', () => {
  const priority = new Map([
    ['pii.br_cpf', 0],
    ['pii.phone', 1],
  ]);
  it('keeps the higher-scoring of two overlapping findings and sorts by start', () => {
    const out = resolveOverlaps(
      [
        { detector: 'pii.phone', category: 'pii', score: 0.6, start: 10, end: 24 },
        { detector: 'pii.br_cpf', category: 'pii', score: 0.95, start: 10, end: 24 },
        { detector: 'pii.phone', category: 'pii', score: 0.9, start: 0, end: 5 },
      ],
      priority,
    );
    expect(out.map((f) => [f.detector, f.start])).toEqual([
      ['pii.phone', 0],
      ['pii.br_cpf', 10],
    ]);
  });
  it('breaks score ties by detector priority and keeps findings without spans', () => {
    const out = resolveOverlaps(
      [
        { detector: 'pii.phone', category: 'pii', score: 0.9, start: 0, end: 10 },
        { detector: 'pii.br_cpf', category: 'pii', score: 0.9, start: 5, end: 15 },
        { detector: 'pii.phone', category: 'pii', score: 0.5 },
      ],
      priority,
    );
    expect(out.map((f) => f.detector)).toEqual(['pii.br_cpf', 'pii.phone']);
    expect(out[1]!.start).toBeUndefined();
  });
});
