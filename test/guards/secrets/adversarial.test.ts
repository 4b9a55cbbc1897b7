import { describe, expect, it } from 'vitest';
import { piiDetectors } from '../../../src/guards/pii/index.js';
import { secretRules, secretsDetectors } from '../../../src/guards/secrets/index.js';

/**
 * Hostile inputs: long runs of each rule's prefix and alphabet, near-misses and separator soup. Each detector
 * must return (an array) on every one; a pattern that backtracked catastrophically would hang here well past
 * the test timeout. Timing itself is measured in eval/guards/regex-linearity.ts, not asserted.
 */
const N = 8_000;
const hostile: string[] = [
  'a'.repeat(N),
  '0'.repeat(N),
  '1 '.repeat(N / 2),
  '1-'.repeat(N / 2),
  '1.'.repeat(N / 2),
  'a.'.repeat(N / 2),
  '@'.repeat(N),
  'a@'.repeat(N / 2),
  ':'.repeat(N),
  'f:'.repeat(N / 2),
  '='.repeat(N),
  'A'.repeat(N),
  'eyJ'.repeat(N / 3),
  'eyJa.'.repeat(N / 5),
  '-----BEGIN '.repeat(N / 11),
  '-----BEGIN RSA PRIVATE KEY-----'.repeat(N / 31),
  'password='.repeat(N / 9),
  'password: '.repeat(N / 10),
  'postgres://a:'.repeat(N / 13),
  '://a:b'.repeat(N / 6),
  'Bearer '.repeat(N / 7),
  'Dear '.repeat(N / 5),
  'Dear Aa '.repeat(N / 8),
  '12 Aa '.repeat(N / 6),
  'DOB 1/'.repeat(N / 6),
  'passport 1'.repeat(N / 10),
  '+1 '.repeat(N / 3),
  '(1)'.repeat(N / 3),
  `${'😀'.repeat(N / 2)}`,
  `${'中'.repeat(N)}`,
];
// Each rule's own keywords, repeated, and followed by near-miss bodies.
for (const r of secretRules) {
  for (const k of r.keywords) {
    hostile.push(k.repeat(Math.ceil(2000 / k.length)));
    hostile.push(`${k}${'A1'.repeat(N / 2)}`);
    hostile.push(`${k}_`.repeat(Math.ceil(2000 / (k.length + 1))));
  }
}

describe('detectors on hostile input', () => {
  it('every pii and secrets detector returns an array on every hostile input', () => {
    let total = 0;
    for (const d of [...piiDetectors, ...secretsDetectors]) {
      for (const text of hostile) {
        const out = d.detect(text, { role: 'user' });
        expect(Array.isArray(out)).toBe(true);
        total += out.length;
      }
    }
    expect(total).toBeGreaterThanOrEqual(0);
  });

  it('returns no findings and does not throw on empty text', () => {
    for (const d of [...piiDetectors, ...secretsDetectors]) {
      expect(d.detect('', { role: 'user' })).toEqual([]);
    }
  });
});
