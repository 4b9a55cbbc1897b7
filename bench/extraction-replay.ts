/**
 * Replay throughput: `node --import tsx bench/extraction-replay.ts [trace.jsonl]`. Without a trace,
 * simulates the `mixed` scenario (seed 1) first. Lines are read into memory before timing, so the
 * rate measured is the engine's (parse + features + profile + scoring), on one core.
 */
import { readFileSync } from 'node:fs';
import { defaultDataDir } from '../src/cli/simulate.js';
import { Replayer } from '../src/extraction/replay.js';
import { loadPromptData } from '../src/extraction/simulate/data.js';
import { formatLine, simulate } from '../src/extraction/simulate/scenarios.js';

const path = process.argv[2];
const lines = path
  ? readFileSync(path, 'utf8').split('\n')
  : simulate(loadPromptData(defaultDataDir()), { scenario: 'mixed', seed: 1 }).lines.map(formatLine);

/**
 * Rates per wall-clock second and per second of this process's CPU time: on a shared machine the
 * wall-clock rate measures the neighbours; the CPU-time rate is what one core does.
 */
function run(): { wall: number; cpu: number } {
  const r = new Replayer();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (const l of lines) r.line(l);
  r.result();
  const c = process.cpuUsage(c0);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall: r.events / secs, cpu: r.events / ((c.user + c.system) / 1e6) };
}

run(); // warm-up: lets the JIT compile the hot path before the measured runs
const runs = [run(), run(), run()];
const med = (xs: number[]) => Math.round(xs.sort((a, b) => a - b)[1]!);
const mb = lines.reduce((s, l) => s + l.length + 1, 0) / 1e6;
process.stdout.write(
  `extraction replay: ${lines.length} lines (${mb.toFixed(1)} MB); median ${med(runs.map((r) => r.cpu))} requests per CPU-second, ${med(runs.map((r) => r.wall))} requests per wall-clock second (3 runs after a warm-up)\n`,
);
