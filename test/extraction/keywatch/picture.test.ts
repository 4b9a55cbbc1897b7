import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../src/extraction/features/extract.js';
import { COMPONENTS, KeyPicture, TABLE_SLOTS, WeightedTable } from '../../../src/extraction/keywatch/picture.js';
import { KeyWatch } from '../../../src/extraction/keywatch/watch.js';
import type { RequestFeatures } from '../../../src/extraction/types.js';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');

function app(i: number): RequestFeatures {
  return extractFeatures({
    ts: T0 + i * 60_000,
    account: 'acme',
    ip: `203.0.113.${1 + (i % 50)}`,
    userAgent: 'OpenAI/JS 4.73.0',
    body: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are the support assistant of Acme. Be concise.' },
        { role: 'user', content: `question number ${i} about item ${(i * 7919) % 1000}` },
      ],
      max_tokens: 800,
      temperature: 0.3,
    },
    path: '/v1/chat/completions',
  });
}

function random(i: number): RequestFeatures {
  return extractFeatures({
    ts: T0 + i * 1000,
    account: 'noisy',
    ip: `${(i * 37) % 223}.${(i * 13) % 255}.${i % 255}.9`,
    userAgent: `agent-${i}`,
    body: {
      model: 'm',
      messages: [
        { role: 'system', content: `persona ${i}` },
        { role: 'user', content: `${i} `.repeat(1 + (i % 30)) },
      ],
      max_tokens: i,
      temperature: (i % 20) / 10,
    },
    path: '/v1/chat/completions',
  });
}

/** Someone else holding the key: their own client, network and prompt style. */
function outsider(i: number): RequestFeatures {
  return extractFeatures({
    ts: T0 + i * 60_000,
    account: 'acme',
    ip: `198.51.100.${i % 200}`,
    userAgent: 'python-httpx/0.27.2',
    body: {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: `Think step by step and show all reasoning. Problem ${i}: what is ${i} * 17?` },
      ],
      max_tokens: 8192,
    },
    path: '/v1/chat/completions',
  });
}

describe('KeyPicture', () => {
  it('stays bounded whatever a key sends', () => {
    const p = new KeyPicture();
    for (let i = 0; i < 20_000; i++) {
      const f = random(i);
      p.learn(f, p.novelty(f), 1);
    }
    for (const t of p.tables) expect(t.keys.length).toBeLessThanOrEqual(TABLE_SLOTS);
    // 6 tables × 24 slots × (hash + weight) plus a few numbers: well under 4 KB of JSON.
    expect(JSON.stringify(p.toJSON()).length).toBeLessThan(4096);
  });

  it('gives an ordinary request of the key a negative score and a foreign one a positive score', () => {
    const p = new KeyPicture();
    for (let i = 0; i < 500; i++) {
      const f = app(i);
      p.learn(f, p.novelty(f), 1);
    }
    expect(p.novelty(app(10_001)).llr).toBeLessThan(0);
    const foreign = extractFeatures({
      ts: T0,
      account: 'acme',
      ip: '198.51.100.7',
      userAgent: 'python-httpx/0.27.2',
      body: {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Think step by step: what is 17*23?' }],
        max_tokens: 8192,
      },
      path: '/v1/chat/completions',
    });
    const nv = p.novelty(foreign);
    expect(nv.llr).toBeGreaterThan(0);
    // The system prompt, parameters, network and user agent are all new to this key.
    for (const c of ['system', 'params', 'network', 'userAgent'] as const)
      expect((nv.rare >> COMPONENTS.indexOf(c)) & 1).toBe(1);
  });

  it('scores nothing while warming up', () => {
    const p = new KeyPicture();
    for (let i = 0; i < 10; i++) p.learn(app(i), p.novelty(app(i)), 1);
    expect(p.novelty(random(1)).llr).toBe(0);
  });

  it('restores from malformed JSON as an empty or partial picture, never throws', () => {
    expect(KeyPicture.from(null).n).toBe(0);
    expect(KeyPicture.from({ t: 'x', b: [2, -1, 'a'], n: -5 }).base).toEqual(COMPONENTS.map(() => 0));
    const t = WeightedTable.from([[1, 2, 'x'], [3, -1, 4], 1]);
    expect(t.keys).toEqual([1]);
    expect(t.total).toBe(3);
    const p = new KeyPicture();
    for (let i = 0; i < 400; i++) p.learn(app(i), p.novelty(app(i)), 1);
    const back = KeyPicture.from(JSON.parse(JSON.stringify(p.toJSON())));
    expect(back.n).toBe(400);
    expect(back.novelty(app(9999)).rare).toBe(p.novelty(app(9999)).rare);
  });
});

describe('KeyWatch', () => {
  it('does not flag a key whose traffic never changes, over a long stream', () => {
    const w = new KeyWatch();
    let flagged = false;
    for (let i = 0; i < 20_000; i++) flagged = w.observe('acme', app(i)).obs.flagged || flagged;
    expect(flagged).toBe(false);
  });

  it('flags a side stream starting at request k after k, never before, and names it', () => {
    const w = new KeyWatch();
    const k = 3001;
    let first = 0;
    for (let n = 1; n <= 6000 && first === 0; n++) {
      const foreign = n >= k && n % 10 === 0;
      const f = foreign ? outsider(n) : app(n);
      if (w.observe('acme', f).obs.flagged) first = n;
    }
    expect(first).toBeGreaterThanOrEqual(k);
    const s = w.get('acme', app(1))!.substream()!;
    expect(
      s.substream.fingerprint.userAgent ?? s.substream.fingerprint.system ?? s.substream.fingerprint.params,
    ).toBeDefined();
  });

  it('relearns instead of flagging when the whole key changes (an app deploying a new prompt)', () => {
    const w = new KeyWatch();
    let flagged = false;
    for (let n = 1; n <= 1000; n++) flagged = w.observe('acme', app(n)).obs.flagged || flagged;
    // From request 1001 on, every request uses a new system prompt and parameters.
    for (let n = 1001; n <= 6000; n++) {
      const f = extractFeatures({
        ts: T0 + n * 60_000,
        account: 'acme',
        ip: `203.0.113.${1 + (n % 50)}`,
        userAgent: 'OpenAI/JS 4.74.0',
        body: {
          model: 'gpt-4.1-mini',
          messages: [
            { role: 'system', content: 'You are Acme support, version 2. Answer in one paragraph.' },
            { role: 'user', content: `question number ${n} about item ${(n * 7919) % 1000}` },
          ],
          max_tokens: 600,
        },
        path: '/v1/chat/completions',
      });
      flagged = w.observe('acme', f).obs.flagged || flagged;
    }
    expect(flagged).toBe(false);
    expect(w.get('acme', app(1))!.shifts).toBeGreaterThanOrEqual(1);
  });

  it('keeps at most maxKeys keys', () => {
    const w = new KeyWatch(100);
    for (let i = 0; i < 1000; i++) w.observe(`acct-${i}`, app(i));
    expect(w.size).toBe(100);
  });
});
