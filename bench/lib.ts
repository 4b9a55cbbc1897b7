/** Small helpers for the benchmark runner: child processes, percentiles, RSS. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Child {
  proc: ChildProcess;
  firstLine: string;
  stop(): Promise<void>;
}

/** Spawns a process and waits for its first stdout line (or a line matching `ready`). */
export async function startChild(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; ready?: RegExp; stderrReady?: boolean } = {},
): Promise<Child> {
  const proc = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stream = opts.stderrReady ? proc.stderr! : proc.stdout!;
  const lines = createInterface({ input: stream });
  const errors: string[] = [];
  proc.stderr!.on('data', (d) => errors.push(String(d)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${cmd} ${args.join(' ')} did not start:\n${errors.join('')}`)),
      180_000,
    );
    lines.on('line', (line) => {
      if (!opts.ready || opts.ready.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} exited with ${code}:\n${errors.join('')}`)));
  });
  proc.stdout!.resume();
  return {
    proc,
    firstLine,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
