import type { Kysely } from 'kysely';
import { listAuditCheckpoints, readAuditEntries, readAuditLeafHashes } from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import { CompactRange } from './compact-range.js';
import { AuditError } from './errors.js';
import { consistencyProof, hashLeaf, inclusionProof } from './merkle.js';
import type { ConsistencyProofResult, InclusionProofResult } from './types.js';

/**
 * Inclusion and consistency proofs from the database. Both read the leaf hashes of the tree (32 bytes
 * per entry, one column, in pages): O(n) reads, see docs/audit.md for why and what would make it O(log n).
 */

export async function inclusionFromDb(
  db: Kysely<Database>,
  index: number,
  size: number,
): Promise<InclusionProofResult> {
  checkRange(index, size);
  const hashes = await readAuditLeafHashes(db, size);
  if (hashes.length !== size) throw new AuditError('AUDIT_OUT_OF_RANGE', `the log has fewer than ${size} entries`);
  const [row] = await readAuditEntries(db, index, index + 1, 1);
  const stored = (await listAuditCheckpoints(db)).find((c) => c.size === size);
  return {
    index,
    size,
    leaf: row!.leaf,
    leafHash: hashLeaf(Buffer.from(row!.leaf, 'utf8')).toString('base64'),
    proof: inclusionProof(index, hashes).map((h) => h.toString('base64')),
    checkpoint: stored?.note,
  };
}

export async function consistencyFromDb(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<ConsistencyProofResult> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) {
    throw new AuditError('AUDIT_OUT_OF_RANGE', 'consistency needs 1 <= from <= to');
  }
  const hashes = await readAuditLeafHashes(db, to);
  if (hashes.length !== to) throw new AuditError('AUDIT_OUT_OF_RANGE', `the log has fewer than ${to} entries`);
  const rootAt = (n: number) => {
    const r = new CompactRange();
    for (let i = 0; i < n; i++) r.append(hashes[i]!);
    return r.root().toString('base64');
  };
  return {
    from,
    to,
    proof: consistencyProof(from, hashes).map((h) => h.toString('base64')),
    fromRoot: rootAt(from),
    toRoot: rootAt(to),
  };
}

function checkRange(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new AuditError('AUDIT_OUT_OF_RANGE', `entry ${index} is not in a tree of size ${size}`);
  }
}
