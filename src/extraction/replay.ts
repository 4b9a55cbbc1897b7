/**
 * Trace replay (specs/traffic-trace.md): feeds a trace, in file order, through one ExtractionEngine
 * and keeps, per account, what the verdicts file needs. Causal by construction: each event is judged
 * when it is read, with only the events read before it in the engine.
 */
import { createReadStream } from 'node:fs';
import type { ExtractionConfig } from '../config/extraction.js';
import { ExtractionEngine, type Verdict } from './engine.js';
import type { SubstreamSummary } from './keywatch/substream.js';
import { parseTraceLine } from './trace.js';

export interface VerdictRecord {
  account: string;
  requests: number;
  flagged: boolean;
  score: number;
  first_flagged_request: number | null;
  first_flagged_ts: string | null;
  cluster: string | null;
  reasons: string[];
  /** Stolen/shared key: the named sub-stream's share of the key's traffic, and the sub-stream. */
  share?: number;
  substream?: SubstreamSummary;
}

/** Per-account numbers the evaluation needs beyond the verdicts file. */
export interface AccountTally {
  record: VerdictRecord;
  lastTs: string;
  outputTokens: number;
  outputTokensBeforeFlag: number;
}

export interface MalformedLine {
  line: number;
  reason: string;
}

export interface ReplayResult {
  tallies: Map<string, AccountTally>;
  lines: number;
  events: number;
  malformed: MalformedLine[];
  /** Lines whose ts was earlier than the line before (processed in file order anyway). */
  outOfOrder: number;
}

export interface ReplayOptions {
  config?: ExtractionConfig;
  onMalformed?: (m: MalformedLine) => void;
  /** Called every `progressEvery` lines with the number of characters read so far. */
  onProgress?: (lines: number, chars: number) => void;
  progressEvery?: number;
  /** Keep at most this many malformed-line reports in the result (all are passed to onMalformed). */
  maxMalformedKept?: number;
  /** replayFile: bytes read at a time (1 MB; small values in tests put lines across chunk edges). */
  chunkBytes?: number;
}

export class Replayer {
  readonly engine: ExtractionEngine;
  readonly tallies = new Map<string, AccountTally>();
  lines = 0;
  events = 0;
  outOfOrder = 0;
  readonly malformed: MalformedLine[] = [];
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: ReplayOptions = {}) {
    this.engine = new ExtractionEngine(opts.config, { onEscalate: (v) => this.flag(v) });
  }

  /** Feeds one raw line (without its newline). Blank lines are counted but not reported. */
  line(text: string): void {
    this.lines++;
    if (text.length === 0 || text.trim().length === 0) return;
    const parsed = parseTraceLine(text);
    if (!parsed.ok) {
      const m = { line: this.lines, reason: parsed.reason };
      this.opts.onMalformed?.(m);
      if (this.malformed.length < (this.opts.maxMalformedKept ?? 1000)) this.malformed.push(m);
      return;
    }
    const ev = parsed.event;
    if (ev.ts < this.lastTs) this.outOfOrder++;
    else this.lastTs = ev.ts;
    this.events++;
    let t = this.tallies.get(ev.account);
    if (!t) {
      t = {
        record: {
          account: ev.account,
          requests: 0,
          flagged: false,
          score: 0,
          first_flagged_request: null,
          first_flagged_ts: null,
          cluster: null,
          reasons: [],
        },
        lastTs: ev.tsText,
        outputTokens: 0,
        outputTokensBeforeFlag: 0,
      };
      this.tallies.set(ev.account, t);
    }
    t.record.requests++;
    t.lastTs = ev.tsText;
    const out = ev.response?.outputTokens ?? 0;
    // Whether this request is served is decided by the verdict before it (the gateway's shape stage).
    if (!t.record.flagged) t.outputTokensBeforeFlag += out;
    t.outputTokens += out;
    const v = this.engine.observe(ev);
    if (v.score > t.record.score) t.record.score = v.score;
    if (v.flagged) this.flag(v);
  }

  private flag(v: Verdict): void {
    const t = this.tallies.get(v.account);
    if (!t) return;
    if (v.score > t.record.score) t.record.score = v.score;
    if (!v.flagged || t.record.flagged) return;
    t.record.flagged = true;
    t.record.first_flagged_request = t.record.requests;
    t.record.first_flagged_ts = t.lastTs;
  }

  /** Final verdict records: flags as first found, reasons and group as the engine ends. */
  result(): ReplayResult {
    for (const t of this.tallies.values()) {
      const v = this.engine.verdict(t.record.account);
      if (v) {
        t.record.cluster = v.cluster;
        t.record.reasons = v.reasons;
        if (v.substream) {
          t.record.share = v.share;
          t.record.substream = v.substream;
        }
        t.record.score = Math.round(Math.max(t.record.score, v.score) * 1e4) / 1e4;
      }
    }
    return {
      tallies: this.tallies,
      lines: this.lines,
      events: this.events,
      malformed: this.malformed,
      outOfOrder: this.outOfOrder,
    };
  }
}

/** Replays an iterable of lines (e.g. readline over a file). */
export async function replayLines(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: ReplayOptions = {},
): Promise<ReplayResult> {
  const r = new Replayer(opts);
  const every = opts.progressEvery ?? 5000;
  let chars = 0;
  for await (const l of lines) {
    chars += l.length + 1;
    r.line(l);
    if (opts.onProgress && r.lines % every === 0) opts.onProgress(r.lines, chars);
  }
  opts.onProgress?.(r.lines, chars);
  return r.result();
}

/**
 * Replays a trace file. Lines are cut from 1 MB chunks at the byte 0x0A (never part of a multi-byte
 * UTF-8 sequence), each decoded on its own and fed synchronously: several times cheaper than
 * readline's per-line events and decoding whole chunks. A "\r" before the "\n" is dropped.
 */
export async function replayFile(path: string, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const r = new Replayer(opts);
  const every = opts.progressEvery ?? 5000;
  let bytes = 0;
  let nextProgress = every;
  let pending: Buffer | undefined;
  const feed = (buf: Buffer, start: number, end: number) => {
    bytes += end - start + 1;
    const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
    r.line(buf.toString('utf8', start, stop));
    if (opts.onProgress && r.lines >= nextProgress) {
      nextProgress += every;
      opts.onProgress(r.lines, bytes);
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: opts.chunkBytes ?? 1 << 20 })) {
    const buf = chunk as Buffer;
    let start = 0;
    if (pending) {
      // Only the line that crosses the chunk boundary is copied.
      const nl = buf.indexOf(10);
      if (nl < 0) {
        pending = Buffer.concat([pending, buf]);
        continue;
      }
      const joined = Buffer.concat([pending, buf.subarray(0, nl)]);
      feed(joined, 0, joined.length);
      pending = undefined;
      start = nl + 1;
    }
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      feed(buf, start, nl);
      start = nl + 1;
    }
    pending = start < buf.length ? buf.subarray(start) : undefined;
  }
  if (pending) feed(pending, 0, pending.length);
  opts.onProgress?.(r.lines, bytes);
  return r.result();
}
