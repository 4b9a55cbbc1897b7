import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfigFile, validateConfig } from '../config/load.js';
import { scanText } from '../guards/engine.js';
import { compilePolicy, type GuardPolicy } from '../guards/policy.js';
import type { Detector, TextRole } from '../guards/types.js';

/** `portcullis scan`: the content guards over a JSONL file of texts, exactly as specs/scan.md fixes it. */

/** The gateway's default body limit: a text longer than any request could carry is refused, not buffered. */
export const DEFAULT_MAX_LINE_CHARS = 4 * 1024 * 1024;
const ROLES: ReadonlySet<string> = new Set(['user', 'system', 'assistant', 'tool']);

export interface ScanOptions {
  in: string;
  out: string;
  config?: string;
  tenant?: string;
  maxLineChars?: number;
  /** Programmatic use and tests: detectors instead of the registered ones. */
  detectors?: readonly Detector[];
}

export interface ScanIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface Line {
  text: string;
  tooLong: boolean;
}

/** Splits a byte stream into lines without holding more than one line (and at most `max` characters of it). */
async function* readLines(input: AsyncIterable<Buffer | string>, max: number): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let parts: string[] = [];
  let length = 0;
  let tooLong = false;
  const take = (s: string) => {
    if (tooLong || s.length === 0) return;
    if (length + s.length > max) {
      // Keep only a head, enough to find the line's id for the error record.
      parts = [(parts.join('') + s).slice(0, 512)];
      tooLong = true;
      return;
    }
    parts.push(s);
    length += s.length;
  };
  const finish = (): Line => {
    let text = parts.join('');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = { text, tooLong };
    parts = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) {
        take(text.slice(from));
        break;
      }
      take(text.slice(from, nl));
      yield finish();
      from = nl + 1;
    }
  }
  take(decoder.end());
  if (length > 0 || tooLong) yield finish();
}

/** The id of a line that could not be parsed, when it starts like `{"id": "…"`. Linear regex. */
function leadingId(head: string): string | null {
  const m = /^\s*\{\s*"id"\s*:\s*"((?:[^"\\]|\\.){0,256})"/.exec(head);
  if (m === null) return null;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return null;
  }
}

type OutRecord = Record<string, unknown>;

/** One input line → one output record; never throws. */
export function scanLine(line: Line, policy: GuardPolicy, max: number): OutRecord {
  if (line.tooLong) return { id: leadingId(line.text), error: `line longer than ${max} characters` };
  if (line.text.trim() === '') return { id: null, error: 'empty line: expected a JSON object' };
  let doc: unknown;
  try {
    doc = JSON.parse(line.text);
  } catch (err) {
    return { id: leadingId(line.text), error: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { id: null, error: 'expected a JSON object with `id` and `text`' };
  }
  const rec = doc as Record<string, unknown>;
  const id = rec.id ?? null;
  if (id !== null && typeof id !== 'string') return { id: null, error: '`id` must be a string' };
  if (!('text' in rec)) return { id, error: 'missing `text`' };
  if (typeof rec.text !== 'string') return { id, error: '`text` must be a string' };
  const role = rec.role ?? 'user';
  if (typeof role !== 'string' || !ROLES.has(role)) {
    return { id, error: '`role` must be one of user, system, assistant, tool' };
  }
  try {
    return { id, ...scanText(rec.text, role as TextRole, policy) };
  } catch (err) {
    // A detector failure on one text must not end a batch of thousands.
    return { id, error: `scan failed: ${(err as Error).message.slice(0, 200)}` };
  }
}

async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Runs the scan; resolves to the exit status (0 when the input was read, 1 otherwise). */
export async function runScan(opts: ScanOptions, io: ScanIO = process): Promise<number> {
  const max = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let policy: GuardPolicy;
  try {
    const config = opts.config === undefined ? validateConfig({}) : loadConfigFile(opts.config);
    const compileOpts = opts.detectors === undefined ? {} : { detectors: opts.detectors };
    policy = compilePolicy(config.guards, compileOpts).forTenant(opts.tenant);
  } catch (err) {
    io.stderr.write(`portcullis scan: ${(err as Error).message}\n`);
    return 1;
  }

  let input: AsyncIterable<Buffer | string>;
  let closeIn = async () => {};
  if (opts.in === '-') input = io.stdin as AsyncIterable<Buffer | string>;
  else {
    try {
      const handle = await open(opts.in, 'r');
      input = handle.createReadStream();
      closeIn = () => handle.close().catch(() => {});
    } catch (err) {
      io.stderr.write(`portcullis scan: cannot open input ${opts.in}: ${(err as NodeJS.ErrnoException).code ?? err}\n`);
      return 1;
    }
  }

  let out: NodeJS.WritableStream = io.stdout;
  let closeOut = async () => {};
  if (opts.out !== '-') {
    try {
      const handle = await open(opts.out, 'w');
      const stream = handle.createWriteStream();
      out = stream;
      closeOut = async () => {
        stream.end();
        await once(stream, 'close');
      };
    } catch (err) {
      await closeIn();
      io.stderr.write(
        `portcullis scan: cannot open output ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? err}\n`,
      );
      return 1;
    }
  }

  const counts = { lines: 0, errors: 0, allow: 0, log: 0, redact: 0, block: 0 };
  // A write error (a closed pipe: `scan | head`) is reported once here instead of crashing the process.
  let outError: NodeJS.ErrnoException | undefined;
  const onOutError = (err: NodeJS.ErrnoException) => {
    outError ??= err;
  };
  out.on('error', onOutError);
  try {
    for await (const line of readLines(input, max)) {
      if (outError !== undefined) break;
      const rec = scanLine(line, policy, max);
      counts.lines++;
      if ('error' in rec) counts.errors++;
      else counts[rec.action as 'allow' | 'log' | 'redact' | 'block']++;
      await write(out, `${JSON.stringify(rec)}\n`);
    }
  } catch (err) {
    const e = (outError ?? err) as NodeJS.ErrnoException;
    if (outError === undefined) {
      io.stderr.write(
        `portcullis scan: reading ${opts.in === '-' ? 'standard input' : opts.in} failed: ${e.message}\n`,
      );
      await closeOut();
      await closeIn();
      return 1;
    }
  }
  if (outError !== undefined) {
    await closeIn();
    // The reader went away on purpose (EPIPE): not an error of the scan.
    if (outError.code === 'EPIPE') return 0;
    io.stderr.write(
      `portcullis scan: writing ${opts.out === '-' ? 'standard output' : opts.out} failed: ${outError.message}\n`,
    );
    return 1;
  }
  out.off('error', onOutError);
  await closeOut();
  await closeIn();
  io.stderr.write(
    `scanned ${counts.lines} lines: ${counts.allow} allow, ${counts.log} log, ${counts.redact} redact, ` +
      `${counts.block} block, ${counts.errors} errors\n`,
  );
  return 0;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('run the content guards over a JSONL file of texts (specs/scan.md)')
    .option('--in <file>', 'input JSONL, one {"id","text","role"?} a line; - for standard input', '-')
    .option('--out <file>', 'output JSONL of findings, same order; - for standard output', '-')
    .option('--config <file>', 'config file whose guards policy to use (default: the default policy)')
    .option('--tenant <id>', "apply this tenant's policy overrides")
    .option('--max-line-chars <n>', 'longest line accepted; longer lines get an error record', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive integer');
      return n;
    })
    .action(async (o: ScanOptions) => {
      process.exitCode = await runScan(o);
    });
}
