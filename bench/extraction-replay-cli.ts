/**
 * `portcullis replay` end to end, as the spec runs it: read the trace file, parse, features, profile,
 * scoring, grouping, and write the verdicts file.
 *   node --import tsx bench/extraction-replay-cli.ts TRACE.jsonl [--runs 3]
 * Prints, per run, requests per wall-clock second and per CPU-second of this process
 * (process.cpuUsage, user + system): on a shared machine the wall-clock rate also measures the
 * neighbours, the CPU-second rate is what one core does. Make a large trace with
 *   portcullis simulate --scenario holdout --seed 7 --days 14 --users 700 --out big.jsonl
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../src/cli/replay.js';

const trace = process.argv[2];
if (!trace) throw new Error('usage: bench/extraction-replay-cli.ts TRACE.jsonl [--runs N]');
const ri = process.argv.indexOf('--runs');
const runs = ri > 0 ? Number(process.argv[ri + 1]) : 3;
const out = join(tmpdir(), `pcx-bench-verdicts-${process.pid}.jsonl`);

async function main(): Promise<void> {
  const rows: Array<{ wall: number; cpu: number; secs: number; cpuSecs: number; events: number }> = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const { result } = await runReplay(trace!, { out, log: () => {} });
    const c = process.cpuUsage(c0);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuSecs = (c.user + c.system) / 1e6;
    rows.push({ wall: result.events / secs, cpu: result.events / cpuSecs, secs, cpuSecs, events: result.events });
    process.stdout.write(
      `run ${i + 1}: ${result.events} requests in ${secs.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} CPU-s: ${Math.round(result.events / secs)} req/s wall, ${Math.round(result.events / cpuSecs)} req/CPU-s\n`,
    );
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `median of ${runs}: ${Math.round(med(rows.map((r) => r.wall)))} req/s wall-clock, ${Math.round(med(rows.map((r) => r.cpu)))} req/CPU-s\n`,
  );
}
void main();
