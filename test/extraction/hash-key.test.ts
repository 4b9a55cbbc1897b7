import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExtractionEngine } from '../../src/extraction/engine.js';
import { extractFeatures } from '../../src/extraction/features/extract.js';
import { FIXED_HASH_KEY, hashKeyFrom } from '../../src/extraction/hash.js';
import { HASH_KEY_ENV, HASH_KEY_FILE, resolveHashKey } from '../../src/extraction/hashkey.js';
import { harvestLine } from './helpers.js';

function obs(text: string, system?: string) {
  return {
    ts: Date.parse('2026-11-01T00:00:00Z'),
    account: 'a',
    ip: '192.0.2.1',
    path: '/v1/chat/completions',
    body: {
      model: 'm',
      messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: text }],
    },
  };
}

const TEXT =
  'Solve the following problem. Think step by step and show your complete reasoning before giving the final answer.\n\nProblem: what is 17 times 23?';

describe('keyed prompt-text hashes', () => {
  it('the same text hashes alike under one key and differently under another', () => {
    const k1 = hashKeyFrom('deployment-one-secret');
    const k2 = hashKeyFrom('deployment-two-secret');
    const a = extractFeatures(obs(TEXT, 'You are a tutor.'), k1);
    const b = extractFeatures(obs(TEXT, 'You are a tutor.'), k1);
    const c = extractFeatures(obs(TEXT, 'You are a tutor.'), k2);
    for (const f of ['prefix', 'suffix', 'exact', 'system'] as const) {
      expect(a[f]).toBe(b[f]);
      expect(a[f]).not.toBe(c[f]);
    }
    // Hashes that do not come from prompt text are not keyed.
    expect(a.network).toBe(c.network);
  });
  it('two prompts built from one template share their prefix hash under any key', () => {
    const k = hashKeyFrom('another-deployment-secret');
    const x = extractFeatures(obs(TEXT), k);
    const y = extractFeatures(obs(TEXT.replace('17 times 23', 'the square root of 144')), k);
    expect(x.prefix).toBe(y.prefix);
    expect(x.exact).not.toBe(y.exact);
  });
  it('the engine uses config.hash_key, and a harvest is flagged under any key', () => {
    for (const hash_key of [undefined, 'a-secret-of-enough-length', 'b-secret-of-enough-length']) {
      const e = new ExtractionEngine(hash_key ? ({ ...new ExtractionEngine().config, hash_key } as never) : undefined);
      let flagged = false;
      for (let i = 0; i < 60; i++) {
        const l = harvestLine(i);
        flagged = e.observe({ ts: Date.parse(l.ts), account: l.account, ip: l.ip, path: l.path, body: l.body }).flagged;
      }
      expect(flagged).toBe(true);
    }
    expect(FIXED_HASH_KEY.seed).toBe(0x811c9dc5);
  });
  it('resolves env over config over a 0600 file in the data dir, kept across starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcx-hk-'));
    const first = resolveHashKey(undefined, dir, {});
    expect(first.from).toBe('file');
    expect(statSync(join(dir, HASH_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, HASH_KEY_FILE), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(resolveHashKey(undefined, dir, {}).key).toEqual(first.key);
    const cfg = resolveHashKey('configured-secret-123', dir, {});
    expect(cfg.from).toBe('config');
    expect(cfg.key).toEqual(hashKeyFrom('configured-secret-123'));
    const env = resolveHashKey('configured-secret-123', dir, { [HASH_KEY_ENV]: 'environment-secret-1' });
    expect(env.from).toBe('env');
    expect(env.key).toEqual(hashKeyFrom('environment-secret-1'));
    expect(resolveHashKey(undefined, undefined, {}).from).toBe('random');
  });
});
