import type { Kysely } from 'kysely';
import { listAuditCheckpoints, readAuditEntries, readAuditHead, type StoredEntry } from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import type { NoteVerifier } from './note-keys.js';
import { type VerifyReport, verifyLog } from './verify.js';

/** Entries in [from, to) in pages, keyed on seq so a missing row does not shift the pages. */
export async function* pagedEntries(
  db: Kysely<Database>,
  from = 0,
  to = Number.MAX_SAFE_INTEGER,
  page = 20_000,
): AsyncGenerator<StoredEntry[]> {
  let next = from;
  while (next < to) {
    const rows = await readAuditEntries(db, next, to, page);
    if (rows.length === 0) return;
    yield rows;
    next = rows[rows.length - 1]!.seq + 1;
    if (rows.length < page) return;
  }
}

/** Verifies the whole log in the database against the given public key (see verify.ts). */
export async function verifyDatabase(
  db: Kysely<Database>,
  opts: { verifier: NoteVerifier; origin?: string; trusted?: readonly string[]; onProgress?: (n: number) => void },
): Promise<VerifyReport> {
  const head = await readAuditHead(db);
  const checkpoints = (await listAuditCheckpoints(db)).map((c) => c.note);
  return verifyLog(pagedEntries(db), {
    verifier: opts.verifier,
    origin: opts.origin,
    checkpoints,
    trusted: opts.trusted,
    claimedSize: head.size,
    claimedRoot: head.root,
    onProgress: opts.onProgress,
  });
}
