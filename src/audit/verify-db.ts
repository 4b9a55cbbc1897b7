import type { Kysely } from 'kysely';
import {
  listAuditCheckpoints,
  readAuditEnd,
  readAuditEntries,
  readAuditHead,
  readAuditPage,
  type StoredEntry,
} from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import type { NoteVerifier } from './note-keys.js';
import { type VerifyPage, type VerifyReport, verifyLog } from './verify.js';

/**
 * Entries in [from, to) in pages of bounded seq windows (see readAuditEnd), so a missing row does not
 * shift the pages and every page is an index range scan.
 */
export async function* pagedEntries(
  db: Kysely<Database>,
  from = 0,
  to = Number.MAX_SAFE_INTEGER,
  page = 20_000,
): AsyncGenerator<StoredEntry[]> {
  const end = Math.min(to, await readAuditEnd(db));
  for (let next = from; next < end; next += page) {
    const rows = await readAuditEntries(db, next, Math.min(end, next + page), page);
    if (rows.length > 0) yield rows;
  }
}

/** Entries per compact page (~15 MB of leaves at typical sizes). */
const VERIFY_PAGE = 20_000;

/**
 * The whole log for the verifier, in compact pages (one aggregated row per window of seq, see
 * readAuditPage), the next page requested before the current one is handed over, so the database
 * reads while the verifier hashes. A window that is not a clean run (a gap, a leaf holding the
 * separator) is read again row by row, so the verifier names the exact entry.
 */
export async function* verifyPages(db: Kysely<Database>, pageSize = VERIFY_PAGE): AsyncGenerator<VerifyPage> {
  const end = await readAuditEnd(db);
  const fetch = (from: number) => {
    const p = readAuditPage(db, from, Math.min(end, from + pageSize));
    // If the verifier stops early (a bad entry), nobody awaits the page read ahead: never unhandled.
    p.catch(() => {});
    return p;
  };
  if (end === 0) return;
  let pending = fetch(0);
  for (let from = 0; from < end; from += pageSize) {
    const got = await pending;
    if (from + pageSize < end) pending = fetch(from + pageSize);
    if (got.page) yield got.page;
    else if (got.rows > 0) yield await readAuditEntries(db, from, Math.min(end, from + pageSize), pageSize);
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
