import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/cli/replay.js';
import { defaultDataDir } from '../../src/cli/simulate.js';
import { loadPromptData } from '../../src/extraction/simulate/data.js';
import { formatLine, simulate } from '../../src/extraction/simulate/scenarios.js';
import { chatLine, harvestLine, merge } from '../extraction/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pcx-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portcullis replay', () => {
  it('writes one verdict per account in the spec format, reports malformed lines, prints metrics', async () => {
    const trace = merge(
      Array.from({ length: 40 }, (_, i) => harvestLine(i)),
      Array.from({ length: 10 }, (_, i) => chatLine(i)),
    ).map((l) => JSON.stringify(l));
    trace.splice(5, 0, '{"ts": broken');
    trace.splice(9, 0, JSON.stringify({ ts: '2026-11-01T00:00:00Z', account: 'x' }));
    const tracePath = join(dir, 't.jsonl');
    writeFileSync(tracePath, `${trace.join('\n')}\n`);
    const labelsPath = join(dir, 't.labels.json');
    writeFileSync(labelsPath, JSON.stringify({ accounts: { harvester: 'c1', chatter: null } }));
    const logs: string[] = [];
    const out = join(dir, 'v.jsonl');
    const { result, table } = await runReplay(tracePath, { out, labels: labelsPath, log: (s) => logs.push(s) });
    expect(logs).toEqual([
      `${tracePath}:6: skipped: not valid JSON\n`,
      `${tracePath}:10: skipped: missing or non-object "body"\n`,
    ]);
    expect(result.events).toBe(50);
    const verdicts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(verdicts.map((v) => v.account).sort()).toEqual(['chatter', 'harvester']);
    for (const v of verdicts) {
      expect(Object.keys(v).sort()).toEqual(
        [
          'account',
          'cluster',
          'first_flagged_request',
          'first_flagged_ts',
          'flagged',
          'reasons',
          'requests',
          'score',
        ].sort(),
      );
      expect(v.score).toBeGreaterThanOrEqual(0);
      expect(v.score).toBeLessThanOrEqual(1);
    }
    expect(verdicts.find((v) => v.account === 'harvester').flagged).toBe(true);
    expect(table).toContain('flagged campaign accounts (TPR)     1 (100.00%)');
    expect(table).toContain('flagged benign accounts (FPR)       0 (0.00%)');
  });

  it('fails clearly when the trace does not exist', async () => {
    await expect(runReplay(join(dir, 'missing.jsonl'), { out: join(dir, 'o.jsonl') })).rejects.toThrow('ENOENT');
  });

  it('names the sub-stream of stolen keys in the verdicts (share, substream, key_substream_shift)', async () => {
    const sim = simulate(loadPromptData(defaultDataDir()), { scenario: 'stolen-key-10', seed: 5, users: 20 });
    const tracePath = join(dir, 'stolen.jsonl');
    writeFileSync(tracePath, `${sim.lines.map(formatLine).join('\n')}\n`);
    const out = join(dir, 'stolen-v.jsonl');
    await runReplay(tracePath, { out, log: () => {} });
    const verdicts = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((v) => [v.account, v]),
    );
    const stolen = Object.entries(sim.labels.accounts).filter(([, l]) => l !== null);
    expect(stolen).toHaveLength(3);
    for (const [account] of stolen) {
      const v = verdicts.get(account);
      expect(v.flagged).toBe(true);
      expect(v.reasons).toContain('key_substream_shift');
      // 10% of the key's traffic, measured over the requests after the flag.
      expect(v.share).toBeGreaterThan(0.05);
      expect(v.share).toBeLessThan(0.2);
      expect(Object.keys(v.substream.fingerprint).length).toBeGreaterThan(0);
    }
    // The production apps whose key was not stolen carry no sub-stream.
    for (const [account, kind] of Object.entries(sim.kinds)) {
      if (kind.startsWith('app:')) expect(verdicts.get(account)?.substream).toBeUndefined();
    }
  });
});
