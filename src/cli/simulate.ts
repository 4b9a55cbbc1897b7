import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadPromptData } from '../extraction/simulate/data.js';
import { formatLine, SCENARIOS, simulate } from '../extraction/simulate/scenarios.js';

/** `<repo>/../shared/data`, the project's convention for data that is not redistributed. */
export function defaultDataDir(): string {
  // src/cli/simulate.ts or dist/src/cli/simulate.js: walk up to the folder holding package.json.
  const here = dirname(fileURLToPath(import.meta.url));
  const repo = here.includes(`${join('dist', 'src')}`) ? resolve(here, '../../..') : resolve(here, '../..');
  return resolve(repo, '..', 'shared', 'data');
}

/** `X.jsonl` → `X.labels.json` (specs/traffic-trace.md). */
export function labelsPathFor(trace: string): string {
  return trace.endsWith('.jsonl') ? `${trace.slice(0, -'.jsonl'.length)}.labels.json` : `${trace}.labels.json`;
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
}

/** `portcullis simulate --scenario NAME --out trace.jsonl [--seed N]`: a trace and its labels file. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('write a synthetic API traffic trace (benign population + extraction campaigns) and its labels file')
    .requiredOption('--scenario <name>', `one of: ${Object.keys(SCENARIOS).join(', ')}`)
    .requiredOption('--out <trace.jsonl>', 'trace file to write; labels go to <trace>.labels.json')
    .option('--seed <n>', 'random seed (same seed, same trace)', positiveInt('--seed'), 1)
    .option('--days <n>', 'days of traffic', positiveInt('--days'), 3)
    .option('--users <n>', 'chat users in the benign population', positiveInt('--users'), 150)
    .option('--data <dir>', 'folder holding traffic/ prompt sets', defaultDataDir())
    .action(async (o: { scenario: string; out: string; seed: number; days: number; users: number; data: string }) => {
      if (!SCENARIOS[o.scenario])
        throw new Error(`unknown scenario "${o.scenario}"; choose one of: ${Object.keys(SCENARIOS).join(', ')}`);
      if (o.days < 1) throw new Error('--days must be at least 1');
      const data = loadPromptData(o.data);
      const { lines, labels } = simulate(data, { scenario: o.scenario, seed: o.seed, days: o.days, users: o.users });
      await writeLines(o.out, lines.map(formatLine));
      const labelsPath = labelsPathFor(o.out);
      await writeFile(labelsPath, `${JSON.stringify(labels, null, 1)}\n`);
      const campaign = Object.values(labels.accounts).filter((v) => v !== null).length;
      process.stdout.write(
        `wrote ${lines.length} requests from ${Object.keys(labels.accounts).length} accounts (${campaign} in campaigns) to ${o.out}; labels in ${labelsPath}\n`,
      );
    });
}

async function writeLines(path: string, lines: string[]): Promise<void> {
  const ws = createWriteStream(path);
  for (const l of lines) {
    if (!ws.write(`${l}\n`)) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => {
    ws.once('error', rej);
    ws.end(() => res());
  });
}
