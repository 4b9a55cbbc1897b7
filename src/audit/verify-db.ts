import type { Kysely } from 'kysely';
import {
  listAuditCheckpoints,
  readAuditEntries,
  readAuditHead,
  readAuditPage,
  type StoredEntry,
} from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import type { NoteVerifier } from './note-keys.js';
import { type VerifyPage, type VerifyReport, verifyLog } from './verify.js';

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

/** Entries per compact page (~15 MB of leaves at typical sizes). */
const VERIFY_PAGE = 20_000;

/**
 * The whole log for the verifier, in compact pages (one aggregated row each, see readAuditPage), the
 * next page requested before the current one is handed over, so the database reads while the
 * verifier hashes. A page that is not a clean run (a gap, a leaf holding the separator) is read again
 * row by row, so the verifier names the exact entry.
 */
export async function* verifyPages(db: Kysely<Database>, pageSize = VERIFY_PAGE): AsyncGenerator<VerifyPage> {
  const fetch = (from: number) => {
    const p = readAuditPage(db, from, Number.MAX_SAFE_INTEGER, pageSize);
    // If the verifier stops early (a bad entry), nobody awaits the page read ahead: never unhandled.
    p.catch(() => {});
    return p;
  };
  let from = 0;
  let pending = fetch(from);
  for (;;) {
    const got = await pending;
    if (got.rows === 0) return;
    const done = got.rows < pageSize;
    if (!done) pending = fetch(got.next);
    if (got.page) yield got.page;
    else yield await readAuditEntries(db, from, got.next, got.rows);
    if (done) return;
    from = got.next;
  }
}

/** Verifies the whole log in the database against the given public key (see verify.ts). */
export async function verifyDatabase(
  db: Kysely<Database>,
  opts: { verifier: NoteVerifier; origin?: string; trusted?: readonly string[]; onProgress?: (n: number) => void },
): Promise<VerifyReport> {
  const head = await readAuditHead(db);
  const checkpoints = (await listAuditCheckpoints(db)).map((c) => c.note);
  return verifyLog(verifyPages(db), {
    verifier: opts.verifier,
    origin: opts.origin,
    checkpoints,
    trusted: opts.trusted,
    claimedSize: head.size,
    claimedRoot: head.root,
    onProgress: opts.onProgress,
  });
}
