import { type Checkpoint, verifyCheckpoint } from './checkpoint.js';
import { CompactRange } from './compact-range.js';
import { leafIndex } from './entry.js';
import { VerificationError } from './errors.js';
import { hashLeafText } from './merkle.js';
import type { NoteVerifier } from './note-keys.js';

/**
 * Recomputes the tree from the entries and checks every signed checkpoint against it. Needs only the
 * log's public key: the same code checks the live database (`audit verify`) and an export file.
 *
 * What each tampering looks like here:
 * - a row's bytes changed         → its hash differs from the one stored at append time (entry named),
 *                                    or, if the stored hash was changed too, a checkpoint no longer
 *                                    matches (the range between two checkpoints is named);
 * - a row deleted                 → a gap in the positions (entry named);
 * - rows reordered or inserted    → a leaf's embedded index differs from its position (entry named);
 * - history rewritten and re-signed by the operator → an earlier checkpoint, or one an auditor kept,
 *                                    contradicts the later one (CHECKPOINTS_INCONSISTENT).
 */

export interface VerifyRow {
  seq: number;
  leaf: string;
  /** The hash stored at append time, when the source has one (the database does; exports do not). */
  leafHash?: Buffer;
}

/** Consecutive entries from `from` on, column by column (the database's compact pages). */
export interface VerifyRun {
  from: number;
  leaves: readonly string[];
  /** The hashes stored at append time, 32 bytes each, in order. */
  hashes?: Buffer;
}

/** What the verifier reads: rows, or a run of consecutive entries. */
export type VerifyPage = readonly VerifyRow[] | VerifyRun;

export interface VerifyOptions {
  verifier: NoteVerifier;
  /** Checkpoint origin; defaults to the key name. */
  origin?: string;
  /** The log's signed checkpoints, in any order. */
  checkpoints: readonly string[];
  /** Checkpoints the auditor saved earlier (from this log); the log must extend each of them. */
  trusted?: readonly string[];
  /** The size the store claims (its unsigned head); a mismatch means rows vanished or appeared. */
  claimedSize?: number;
  claimedRoot?: Buffer;
  onProgress?: (verified: number) => void;
}

export interface VerifyReport {
  size: number;
  root: Buffer;
  checkpointsVerified: number;
  /** The largest signed checkpoint, if any. */
  latest?: Checkpoint;
  /** Entries after the latest checkpoint: covered only by the unsigned head until the next checkpoint. */
  unsigned: number;
}

interface Expected {
  cp: Checkpoint;
  trusted: boolean;
}

export async function verifyLog(rows: AsyncIterable<VerifyPage>, opts: VerifyOptions): Promise<VerifyReport> {
  const origin = opts.origin ?? opts.verifier.name;
  const parse = (note: string, what: string): Checkpoint => {
    try {
      return verifyCheckpoint(note, opts.verifier, origin);
    } catch (err) {
      if (err instanceof VerificationError) throw new VerificationError(err.code, `${what}: ${err.message}`);
      throw err;
    }
  };
  const expected: Expected[] = [
    ...opts.checkpoints.map((n, i) => ({ cp: parse(n, `checkpoint #${i + 1}`), trusted: false })),
    ...(opts.trusted ?? []).map((n, i) => ({ cp: parse(n, `trusted checkpoint #${i + 1}`), trusted: true })),
  ].sort((a, b) => a.cp.size - b.cp.size);
  for (let i = 1; i < expected.length; i++) {
    const a = expected[i - 1]!.cp;
    const b = expected[i]!.cp;
    if (a.size === b.size && !a.root.equals(b.root)) {
      throw new VerificationError(
        'CHECKPOINTS_INCONSISTENT',
        `two signed checkpoints of size ${a.size} have different roots: forked history`,
      );
    }
  }

  const range = new CompactRange();
  const roots = new Map<number, Buffer>();
  const wanted = new Set(expected.map((e) => e.cp.size));
  if (wanted.has(0)) roots.set(0, range.root());
  let n = 0;
  /** Checks the entry at position n and adds it to the tree. */
  const add = (leaf: string, stored: Buffer | undefined, at: number): void => {
    const claimed = leafIndex(leaf);
    if (claimed !== n) {
      throw new VerificationError(
        'ENTRY_INVALID',
        claimed < 0
          ? `entry ${n} is not a leaf of this log`
          : `entry ${n} holds the leaf of entry ${claimed}: rows were moved or inserted`,
        n,
      );
    }
    const h = hashLeafText(leaf);
    if (stored && stored.compare(h, 0, 32, at, at + 32) !== 0) {
      throw new VerificationError(
        'ENTRY_INVALID',
        `entry ${n} was altered: its bytes do not match the hash recorded when it was appended`,
        n,
      );
    }
    range.append(h);
    n++;
    if (wanted.has(n)) roots.set(n, range.root());
  };
  for await (const page of rows) {
    if ('leaves' in page) {
      if (page.from !== n) {
        if (page.from > n)
          throw new VerificationError('ENTRY_MISSING', `entry ${n} is missing (next stored entry is ${page.from})`, n);
        throw new VerificationError('ENTRY_INVALID', `entry ${page.from} appears out of order at position ${n}`, n);
      }
      const { leaves, hashes } = page;
      for (let i = 0; i < leaves.length; i++) add(leaves[i]!, hashes, i * 32);
    } else {
      for (const row of page) {
        if (row.seq !== n) {
          if (row.seq > n)
            throw new VerificationError('ENTRY_MISSING', `entry ${n} is missing (next stored entry is ${row.seq})`, n);
          throw new VerificationError('ENTRY_INVALID', `entry ${row.seq} appears out of order at position ${n}`, n);
        }
        add(row.leaf, row.leafHash?.length === 32 ? row.leafHash : row.leafHash && Buffer.alloc(32), 0);
      }
    }
    opts.onProgress?.(n);
  }

  // Checkpoints against the recomputed tree, smallest first, so the first bad range is the one named.
  let prevSize = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const root = roots.get(e.cp.size);
    if (!root) {
      throw new VerificationError(
        'ENTRY_MISSING',
        `${e.trusted ? 'a trusted' : 'a signed'} checkpoint covers ${e.cp.size} entries but the log has ${n}: entry ${n} is missing`,
        n,
      );
    }
    if (root.equals(e.cp.root)) {
      prevSize = e.cp.size;
      continue;
    }
    const laterMatch = expected.slice(i + 1).some((l) => roots.get(l.cp.size)?.equals(l.cp.root));
    if (e.trusted || laterMatch) {
      throw new VerificationError(
        'CHECKPOINTS_INCONSISTENT',
        `the log is not an extension of the ${e.trusted ? 'trusted' : 'signed'} checkpoint of size ${e.cp.size}: ` +
          'history was forked or rewritten (both versions carry the log’s signature)',
        prevSize,
      );
    }
    throw new VerificationError(
      'CHECKPOINT_MISMATCH',
      `entries ${prevSize}..${e.cp.size - 1} do not match the signed checkpoint of size ${e.cp.size}: one of them was altered`,
      prevSize,
    );
  }

  if (opts.claimedSize !== undefined && opts.claimedSize !== n) {
    throw new VerificationError(
      opts.claimedSize > n ? 'ENTRY_MISSING' : 'ENTRY_INVALID',
      `the log head records ${opts.claimedSize} entries but ${n} are stored`,
      Math.min(n, opts.claimedSize),
    );
  }
  const root = range.root();
  if (opts.claimedRoot && opts.claimedRoot.length > 0 && !opts.claimedRoot.equals(root)) {
    throw new VerificationError(
      'ENTRY_INVALID',
      `the log head's root does not match the entries after entry ${prevSize}`,
      prevSize,
    );
  }
  const latest = expected.filter((e) => !e.trusted).at(-1)?.cp;
  return { size: n, root, checkpointsVerified: expected.length, latest, unsigned: n - (latest?.size ?? 0) };
}
