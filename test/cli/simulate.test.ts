import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, labelsPathFor, registerSimulate } from '../../src/cli/simulate.js';
import { parseTraceLine } from '../../src/extraction/trace.js';

const dir = mkdtempSync(join(tmpdir(), 'pcx-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  registerSimulate(program);
  await program.parseAsync(['node', 'portcullis', 'simulate', ...args]);
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('portcullis simulate', () => {
  it('writes the same trace for the same seed and a different one for another seed', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    const c = join(dir, 'c.jsonl');
    const common = ['--scenario', 'reasoning', '--days', '1', '--users', '20'];
    await run([...common, '--seed', '7', '--out', a]);
    await run([...common, '--seed', '7', '--out', b]);
    await run([...common, '--seed', '8', '--out', c]);
    expect(sha(a)).toBe(sha(b));
    expect(sha(labelsPathFor(a))).toBe(sha(labelsPathFor(b)));
    expect(sha(a)).not.toBe(sha(c));
  });

  it('writes valid, time-ordered trace lines and labels for every account', async () => {
    const p = join(dir, 'hydra.jsonl');
    await run(['--scenario', 'hydra', '--days', '1', '--users', '20', '--seed', '3', '--out', p]);
    const labels = JSON.parse(readFileSync(labelsPathFor(p), 'utf8')).accounts as Record<string, string | null>;
    const lines = readFileSync(p, 'utf8').trim().split('\n');
    let last = 0;
    const accounts = new Set<string>();
    for (const l of lines) {
      const parsed = parseTraceLine(l);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.event.tsText).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(parsed.event.ts).toBeGreaterThanOrEqual(last);
      last = parsed.event.ts;
      accounts.add(parsed.event.account);
    }
    for (const a of accounts) expect(Object.hasOwn(labels, a)).toBe(true);
    const campaigns = Object.values(labels).filter((v) => v !== null);
    expect(new Set(campaigns).size).toBe(1);
    expect(campaigns.length).toBeGreaterThanOrEqual(100);
  });

  it('fails clearly on an unknown scenario or a missing data folder', async () => {
    await expect(run(['--scenario', 'nope', '--out', join(dir, 'x.jsonl')])).rejects.toThrow('unknown scenario "nope"');
    await expect(
      run(['--scenario', 'bulk', '--out', join(dir, 'x.jsonl'), '--data', join(dir, 'missing')]),
    ).rejects.toThrow('pass --data');
    await expect(run(['--scenario', 'bulk', '--out', join(dir, 'x.jsonl'), '--seed', '-1'])).rejects.toThrow(
      '--seed must be a non-negative integer',
    );
  });

  it('defaults the data folder to <repo>/../shared/data', () => {
    expect(defaultDataDir()).toBe(join(process.cwd(), '..', 'shared', 'data'));
  });
});
