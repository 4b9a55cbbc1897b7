import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { computeMetrics, formatMetrics, parseLabels } from '../extraction/metrics.js';
import { type MalformedLine, type ReplayResult, replayFile } from '../extraction/replay.js';

/** Malformed lines printed one by one; beyond this only their count is reported. */
const MAX_REPORTED = 50;

export interface ReplayCliOptions {
  out: string;
  labels?: string;
  /** Where messages go (stderr in the CLI). */
  log?: (s: string) => void;
  progress?: boolean;
}

/**
 * Replays a trace file into a verdicts file (specs/traffic-trace.md). Returns the result and, with
 * labels, the metrics table text.
 */
export async function runReplay(trace: string, o: ReplayCliOptions): Promise<{ result: ReplayResult; table?: string }> {
  const log = o.log ?? ((s: string) => process.stderr.write(s));
  const size = (await stat(trace)).size;
  const labels = o.labels ? parseLabels(await readFile(o.labels, 'utf8')) : undefined;
  const bar = o.progress
    ? new SingleBar({ format: 'replay [{bar}] {percentage}% | {value}/{total} MB | {lines} lines', hideCursor: true })
    : undefined;
  bar?.start(Math.max(1, Math.ceil(size / 1e6)), 0, { lines: 0 });
  let reported = 0;
  const result = await replayFile(trace, {
    onMalformed: (m: MalformedLine) => {
      if (reported++ < MAX_REPORTED) log(`${trace}:${m.line}: skipped: ${m.reason}\n`);
    },
    // Characters approximate bytes well enough for a progress bar.
    onProgress: (lines, chars) => bar?.update(Math.min(Math.ceil(size / 1e6), Math.floor(chars / 1e6)), { lines }),
  });
  bar?.update(Math.ceil(size / 1e6), { lines: result.lines });
  bar?.stop();
  if (reported > MAX_REPORTED) log(`… and ${reported - MAX_REPORTED} more malformed lines skipped\n`);
  const ws = createWriteStream(o.out);
  for (const t of result.tallies.values()) {
    if (!ws.write(`${JSON.stringify(t.record)}\n`)) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => {
    ws.once('error', rej);
    ws.end(() => res());
  });
  const table = labels ? formatMetrics(computeMetrics(result.tallies.values(), labels)) : undefined;
  return { result, table };
}

/** `portcullis replay TRACE.jsonl --out VERDICTS.jsonl [--labels X.labels.json]` */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'feed a traffic trace through the extraction-defence engine, causally, and write one verdict per account',
    )
    .argument('<trace>', 'trace file (JSONL, specs/traffic-trace.md)')
    .requiredOption('--out <verdicts.jsonl>', 'verdicts file to write')
    .option('--labels <labels.json>', 'ground truth; prints a metrics table')
    .action(async (trace: string, o: { out: string; labels?: string }) => {
      const started = process.hrtime.bigint();
      const { result, table } = await runReplay(trace, {
        out: o.out,
        labels: o.labels,
        progress: process.stderr.isTTY === true,
      });
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      const flagged = [...result.tallies.values()].filter((t) => t.record.flagged).length;
      process.stdout.write(
        `replayed ${result.events} requests (${result.lines} lines, ${result.malformed.length} malformed) from ${result.tallies.size} accounts in ${secs.toFixed(2)} s (${Math.round(result.events / secs)} requests/s); ${flagged} accounts flagged; verdicts in ${o.out}\n`,
      );
      if (result.outOfOrder > 0)
        process.stdout.write(
          `note: ${result.outOfOrder} lines were earlier than the line before them (replayed in file order)\n`,
        );
      if (table) process.stdout.write(`${table}\n`);
    });
}
