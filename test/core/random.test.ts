import { describe, expect, it } from 'vitest';
import { randomView } from '../../src/core/random.js';
import { requestIdFrom } from '../../src/gateway/request-id.js';
import { generateCanaryToken } from '../../src/guards/canary/token.js';

describe('pooled random bytes', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 12-byte views over several 4 KB refills; a reused or unfilled region would repeat.
    for (let i = 0; i < 5000; i++) seen.add(randomView(12).toString('hex'));
    expect(seen.size).toBe(5000);
  });

  it('gives views of the asked length and refuses more than the pool', () => {
    expect(randomView(16).length).toBe(16);
    expect(() => randomView(4097)).toThrow(RangeError);
  });

  it('bytes look uniform (each byte value appears, mean near 127.5)', () => {
    let sum = 0;
    const counts = new Uint32Array(256);
    const n = 200_000;
    for (let i = 0; i < n / 8; i++) {
      for (const b of randomView(8)) {
        sum += b;
        counts[b]!++;
      }
    }
    expect(Math.abs(sum / n - 127.5)).toBeLessThan(2);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('request ids and canary tokens stay distinct and well-formed', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => requestIdFrom(undefined)));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^req_[A-Za-z0-9_-]{16}$/);
    const tokens = new Set(Array.from({ length: 2000 }, () => generateCanaryToken()));
    expect(tokens.size).toBe(2000);
    for (const t of tokens) expect(t).toMatch(/^[a-hj-np-z2-9]{16}$/);
  });
});
