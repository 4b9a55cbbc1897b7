import { describe, expect, it } from 'vitest';
import { creditCardDetector } from '../../../src/guards/pii/credit-card.js';
import { found, values } from './helpers.js';

describe('pii.credit_card', () => {
  it('finds Luhn-valid cards of known issuers, grouped or compact, with exact spans', () => {
    expect(found(creditCardDetector, 'visa 4539 1488 0343 6467 ok')).toEqual([
      ['pii.credit_card', '4539 1488 0343 6467', 5],
    ]);
    expect(values(creditCardDetector, 'mc 5555-5555-5555-4444')).toEqual(['5555-5555-5555-4444']);
    expect(values(creditCardDetector, 'amex 3782 822463 10005')).toEqual(['3782 822463 10005']);
    expect(values(creditCardDetector, '4539148803436467')).toEqual(['4539148803436467']);
  });
  it('scores the issuer and context', () => {
    const [f] = creditCardDetector.detect('Kreditkarte: 4539 1488 0343 6467', { role: 'user' });
    expect(f!.score).toBe(1);
    expect(f!.reason).toBe('visa');
    const [test] = creditCardDetector.detect('4111 1111 1111 1111', { role: 'user' });
    expect(test!.score).toBeLessThan(0.9); // a published test number
  });
  it('computes UTF-16 offsets after an emoji and CJK text', () => {
    expect(found(creditCardDetector, '💳信用卡 4539 1488 0343 6467')).toEqual([
      ['pii.credit_card', '4539 1488 0343 6467', 6],
    ]);
  });
  it('rejects Luhn failures, unknown prefixes, mixed separators and odd groupings', () => {
    expect(values(creditCardDetector, 'card 4539 1488 0343 6468')).toEqual([]);
    expect(values(creditCardDetector, 'card 9999 9999 9999 9995')).toEqual([]); // Luhn-valid, no issuer
    expect(values(creditCardDetector, 'card 4539-1488 0343-6467')).toEqual([]);
    expect(values(creditCardDetector, 'card 45 3914 8803 436 467')).toEqual([]);
    expect(values(creditCardDetector, 'card 0000 0000 0000 0000')).toEqual([]);
  });
  it('rejects order ids and digits inside longer numbers', () => {
    expect(values(creditCardDetector, 'order id 4539148803436467')).toEqual([]);
    expect(values(creditCardDetector, 'x 145391488034364671 y')).toEqual([]);
  });
});
