import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type AuditHead, type AuditKeyRow, type AuditRowIn, appendAuditBatch } from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import { CompactRange } from './compact-range.js';
import type { WrappedKey } from './crypto.js';
import type { AuditEntry } from './entry.js';
import { leafText } from './entry.js';
import { AuditError } from './errors.js';
import { Journal } from './journal.js';
import { hashLeafText } from './merkle.js';

/**
 * The group committer: moves journal records into the database, giving each entry its place in the
 * tree, and recovers journals left by processes that died. Journal payloads:
 *   E<json [source, counter, time, tenant, type]>\n<canonical entry>   an entry
 *   K<json wrapped data key>                                          a data key, before its first use
 */

const RECORD_ENTRY = 'E';
const RECORD_KEY = 'K';

export function entryRecord(source: string, counter: number, entry: AuditEntry, json: string): string {
  return `${RECORD_ENTRY}${JSON.stringify([source, counter, entry.time, entry.tenant ?? null, entry.type])}\n${json}`;
}

/**
 * Commits what is pending in a journal when called, batch by batch. Returns the tree size after, if anything
 * was read. Entries appended while it runs wait for the next call: under steady load, chasing them turned
 * one group commit into a stream of transactions of a few entries each.
 */
export async function commitJournalTail(
  db: Kysely<Database>,
  journal: Journal,
  maxEntries: number,
): Promise<number | undefined> {
  let size: number | undefined;
  let left = journal.pending;
  while (left > 0 && journal.pending > 0) {
    const from = journal.committedOffset;
    const { records, endOffset } = journal.readPending(maxEntries);
    if (records.length === 0) break;
    const { keys, rows } = parseRecords(records);
    size = (await appendAuditBatch(db, keys, rows, extendTree)).size;
    journal.markCommitted(endOffset);
    left -= endOffset - from;
  }
  return size;
}

/** Commits and removes the journals of processes that are gone (crash recovery at start). */
export async function recoverJournals(
  db: Kysely<Database>,
  dir: string,
  maxEntries: number,
  skip: ReadonlySet<string>,
): Promise<void> {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.journal')) continue;
    const path = join(dir, name);
    const pid = Number(name.split('-')[0]);
    if (skip.has(path) || (pid !== process.pid && isAlive(pid))) continue;
    const old = new Journal(path);
    try {
      await commitJournalTail(db, old, maxEntries);
    } finally {
      old.close();
    }
    rmSync(path, { force: true });
    rmSync(`${path}.committed`, { force: true });
  }
}

/** RFC 9162 leaves for a batch, appended to the head's compact range. */
function extendTree(head: AuditHead, fresh: readonly AuditRowIn[]) {
  const range = CompactRange.deserialize(head.size, head.frontier);
  const leaves: string[] = [];
  const hashes: Buffer[] = [];
  for (const row of fresh) {
    const leaf = leafText(row.entryJson, range.size);
    const h = hashLeafText(leaf);
    range.append(h);
    leaves.push(leaf);
    hashes.push(h);
  }
  return { leaves, hashes, head: { size: range.size, frontier: range.serialize(), root: range.root() } };
}

export function keyRecord(w: WrappedKey): string {
  return `${RECORD_KEY}${JSON.stringify({ id: w.id, tenant: w.tenant, subject: w.subject, kek: w.kekId, created: w.createdAt, wrapped: w.wrapped.toString('base64') })}`;
}

export function parseRecords(records: readonly string[]): { keys: AuditKeyRow[]; rows: AuditRowIn[] } {
  const keys: AuditKeyRow[] = [];
  const rows: AuditRowIn[] = [];
  for (const r of records) {
    if (r.startsWith(RECORD_KEY)) {
      const k = JSON.parse(r.slice(1)) as {
        id: string;
        tenant: string;
        subject: string | null;
        kek: string;
        created: number;
        wrapped: string;
      };
      keys.push({
        id: k.id,
        tenant: k.tenant,
        subject: k.subject,
        kekId: k.kek,
        createdMs: k.created,
        wrapped: Buffer.from(k.wrapped, 'base64'),
        destroyedMs: null,
      });
    } else if (r.startsWith(RECORD_ENTRY)) {
      const nl = r.indexOf('\n');
      const [source, counter, time, tenant, type] = JSON.parse(r.slice(1, nl)) as [
        string,
        number,
        number,
        string | null,
        string,
      ];
      rows.push({ source, counter, timeMs: time, tenant, type, entryJson: r.slice(nl + 1) });
    } else {
      throw new AuditError('AUDIT_JOURNAL_CORRUPT', 'unknown journal record');
    }
  }
  return { keys, rows };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
