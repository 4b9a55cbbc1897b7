import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import { listAuditCheckpoints } from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import { parseLeaf } from './entry.js';
import { AuditError, VerificationError } from './errors.js';
import type { NoteVerifier } from './note-keys.js';
import { type VerifyReport, type VerifyRow, verifyLog } from './verify.js';
import { pagedEntries } from './verify-db.js';

/**
 * Exports. `jsonl` is the verifiable format (docs/audit.md): a header line, one line per leaf with its
 * exact text, and the signed checkpoints; an export from entry 0 can be verified by anyone holding the
 * public key (`portcullis audit verify --export FILE --public-key KEY`). `csv` is for people and
 * spreadsheets: one row per entry, not verifiable.
 */

export const EXPORT_FORMAT = 'portcullis-audit-export/1';
const MAX_LINE = 16 * 1024 * 1024;

const CSV_COLUMNS = [
  'n',
  'time',
  'type',
  'tenant',
  'request_id',
  'key_id',
  'client_ip',
  'model',
  'provider',
  'region',
  'status',
  'input_tokens',
  'output_tokens',
  'latency_ms',
  'findings',
  'decisions',
  'action',
  'target',
  'content',
] as const;

/**
 * CSV cell. Fields such as the model name are attacker-controlled: a leading = + - @ would be run as a
 * formula by spreadsheet software (CSV injection), so such cells are prefixed with a quote.
 */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(n: number, leaf: string): string {
  const e = parseLeaf(leaf).entry as unknown as Record<string, unknown>;
  const findings = Array.isArray(e.findings)
    ? (e.findings as Array<{ detector: string }>).map((f) => f.detector).join(';')
    : '';
  const decisions = Array.isArray(e.decisions)
    ? (e.decisions as Array<{ stage: string; action: string }>).map((d) => `${d.stage}:${d.action}`).join(';')
    : '';
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    n,
    time: typeof e.time === 'number' ? new Date(e.time).toISOString() : '',
    type: e.type,
    tenant: e.tenant,
    request_id: e.request_id,
    key_id: e.key_id,
    client_ip: e.client_ip,
    model: e.model,
    provider: e.provider,
    region: e.region,
    status: e.status,
    input_tokens: e.input_tokens,
    output_tokens: e.output_tokens,
    latency_ms: e.latency_ms,
    findings,
    decisions,
    action: e.action,
    target: e.target,
    content: e.content ? 'encrypted' : '',
  };
  return CSV_COLUMNS.map((c) => csvCell(values[c])).join(',');
}

/** Writes entries [from, to) line by line through `write` (which may apply backpressure). */
export async function writeExport(
  db: Kysely<Database>,
  opts: { from: number; to: number; format: 'jsonl' | 'csv'; origin: string; publicKey: string },
  write: (line: string) => void | Promise<void>,
): Promise<number> {
  let count = 0;
  if (opts.format === 'csv') {
    await write(CSV_COLUMNS.join(','));
    for await (const page of pagedEntries(db, opts.from, opts.to)) {
      for (const r of page) {
        await write(csvRow(r.seq, r.leaf));
        count++;
      }
    }
    return count;
  }
  await write(
    JSON.stringify({
      type: 'log',
      format: EXPORT_FORMAT,
      origin: opts.origin,
      public_key: opts.publicKey,
      from: opts.from,
      to: opts.to,
    }),
  );
  let last = opts.from;
  for await (const page of pagedEntries(db, opts.from, opts.to)) {
    for (const r of page) {
      await write(JSON.stringify({ type: 'entry', n: r.seq, leaf: r.leaf }));
      last = r.seq + 1;
      count++;
    }
  }
  for (const cp of await listAuditCheckpoints(db)) {
    if (cp.size <= last) await write(JSON.stringify({ type: 'checkpoint', note: cp.note }));
  }
  return count;
}

/**
 * Verifies a jsonl export with nothing but the log's public key: recomputes the tree from the leaves and
 * checks every checkpoint in the file. Needs an export that starts at entry 0. Two passes over the file
 * (checkpoints first, then the entries streamed), so memory stays flat for any size.
 */
export async function verifyExport(
  path: string,
  verifier: NoteVerifier,
  trusted: readonly string[] = [],
): Promise<VerifyReport> {
  const checkpoints: string[] = [];
  let origin: string | undefined;
  for await (const { lineNo, rec } of exportLines(path)) {
    if (lineNo === 1) {
      if (rec.type !== 'log' || rec.format !== EXPORT_FORMAT)
        throw new AuditError('AUDIT_ENTRY_INVALID', `${path} is not a ${EXPORT_FORMAT} file`);
      if (rec.from !== 0)
        throw new AuditError('AUDIT_OUT_OF_RANGE', 'only an export from entry 0 can be verified on its own');
      origin = typeof rec.origin === 'string' ? rec.origin : undefined;
    } else if (rec.type === 'checkpoint' && typeof rec.note === 'string') {
      checkpoints.push(rec.note);
    } else if (!(rec.type === 'entry' && typeof rec.n === 'number' && typeof rec.leaf === 'string')) {
      throw new AuditError('AUDIT_ENTRY_INVALID', `line ${lineNo} of ${path} is not an entry or a checkpoint`);
    }
  }
  if (origin === undefined) throw new AuditError('AUDIT_ENTRY_INVALID', `${path} has no header line`);
  async function* rows(): AsyncGenerator<VerifyRow[]> {
    let page: VerifyRow[] = [];
    for await (const { rec } of exportLines(path)) {
      if (rec.type !== 'entry') continue;
      page.push({ seq: rec.n as number, leaf: rec.leaf as string });
      if (page.length >= 10_000) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
  return verifyLog(rows(), { verifier, origin, checkpoints, trusted });
}

async function* exportLines(path: string): AsyncGenerator<{ lineNo: number; rec: Record<string, unknown> }> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    if (line.length > MAX_LINE) throw new VerificationError('ENTRY_INVALID', `line ${lineNo} is too long`);
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new AuditError('AUDIT_ENTRY_INVALID', `line ${lineNo} of ${path} is not JSON`);
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new AuditError('AUDIT_ENTRY_INVALID', `line ${lineNo} of ${path} is not an object`);
    }
    yield { lineNo, rec: rec as Record<string, unknown> };
  }
}
