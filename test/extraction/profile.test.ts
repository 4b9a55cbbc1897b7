import { describe, expect, it } from 'vitest';
import { ClusterIndex } from '../../src/extraction/cluster.js';
import { extractFeatures } from '../../src/extraction/features/extract.js';
import { AccountProfile, PROFILE_MAX_BYTES } from '../../src/extraction/profile.js';

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('AccountProfile', () => {
  it('stays under 16 KB of JSON whatever an account sends', () => {
    const r = rng(7);
    const p = new AccountProfile('acct');
    const shared = new ClusterIndex(() => undefined);
    for (let i = 0; i < 20_000; i++) {
      const words = Array.from({ length: 5 + Math.floor(r() * 60) }, () => Math.floor(r() * 1e9).toString(36));
      const f = extractFeatures({
        ts: 1_700_000_000_000 + i * 1000,
        account: 'acct',
        ip: `${Math.floor(r() * 223)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.1`,
        userAgent: `ua-${Math.floor(r() * 1e6)}`,
        body: { messages: [{ role: 'user', content: words.join(' ') }], user: `u${i}`, logprobs: r() < 0.5 },
      });
      p.update(f, shared);
    }
    const bytes = Buffer.byteLength(JSON.stringify(p.toJSON()));
    expect(bytes).toBeLessThanOrEqual(PROFILE_MAX_BYTES);
    expect(p.evidence.n).toBe(20_000);
  });
  it('round-trips through JSON and tolerates malformed JSON', () => {
    const p = new AccountProfile('a');
    const shared = new ClusterIndex(() => undefined);
    for (let i = 0; i < 5; i++) {
      p.update(
        extractFeatures({
          ts: i,
          account: 'a',
          ip: '1.2.3.4',
          body: {
            messages: [
              {
                role: 'user',
                content: `Solve the following problem and show your work: item number ${i} of the long list`,
              },
            ],
          },
        }),
        shared,
      );
    }
    const back = AccountProfile.fromJSON('a', JSON.parse(JSON.stringify(p.toJSON())));
    expect(back.toJSON()).toEqual(p.toJSON());
    const junk = AccountProfile.fromJSON('a', {
      evidence: { n: 'x', harvest: -5 },
      prefixes: 'nope',
      reservoir: [[1, 2]],
      hours: 'z',
    });
    expect(junk.evidence.n).toBe(0);
    expect(junk.evidence.harvest).toBe(0);
    expect(junk.reservoir).toEqual([]);
  });
  it('counts a template from its second distinct use (near-duplicate) and ignores exact repeats', () => {
    const p = new AccountProfile('a');
    const shared = new ClusterIndex(() => undefined);
    const tpl = (q: string) =>
      `Solve the following problem carefully and explain your reasoning in full. Problem: ${q}`;
    const obs = (text: string, ts: number) =>
      extractFeatures({ ts, account: 'a', ip: '1.2.3.4', body: { messages: [{ role: 'user', content: text }] } });
    const t1 = p.update(obs(tpl('how many legs do three spiders have'), 1), shared);
    const t2 = p.update(obs(tpl('how many legs do three spiders have'), 2), shared);
    const t3 = p.update(obs(tpl('what is the sum of the first ten odd numbers'), 3), shared);
    const t4 = p.update(obs(tpl('a train leaves at noon going sixty miles per hour'), 4), shared);
    expect([t1.templated, t2.templated, t3.templated, t4.templated]).toEqual([false, false, true, true]);
    expect(p.evidence.nearDuplicate).toBe(2);
    expect(t4.harvestWeight).toBe(1);
  });
});
