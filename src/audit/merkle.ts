import { createHash, hash } from 'node:crypto';
import { VerificationError } from './errors.js';

/**
 * Merkle tree hashing and proofs of RFC 9162 (Certificate Transparency 2.0) §2.1, followed line by line.
 * Hashes are 32-byte SHA-256 digests. Proof generation takes the leaf hashes of the whole tree (the
 * audit log keeps them in the database); verification needs only the proof and the roots.
 */

/** RFC 9162 §2.1.1: domain separation between leaves and interior nodes (second-preimage resistance). */
export const LEAF_HASH_PREFIX = 0x00;
export const NODE_HASH_PREFIX = 0x01;
export const HASH_SIZE = 32;

const NODE_PREFIX = Buffer.from([NODE_HASH_PREFIX]);

/** RFC 9162 §2.1.1: the hash of an empty tree is the hash of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** One-shot hashing over a reused buffer: the log hashes every leaf twice (append, verify). */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** MTH({d(0)}) = HASH(0x00 || d(0)). */
export function hashLeaf(leaf: Uint8Array): Buffer {
  if (leaf.length + 1 > scratch.length) scratch = Buffer.allocUnsafe(leaf.length * 2 + 1);
  scratch[0] = LEAF_HASH_PREFIX;
  scratch.set(leaf, 1);
  return hash('sha256', scratch.subarray(0, leaf.length + 1), 'buffer') as unknown as Buffer;
}

/** hashLeaf of a string's UTF-8 bytes, without an intermediate buffer. */
export function hashLeafText(leaf: string): Buffer {
  const max = leaf.length * 3 + 1;
  if (max > scratch.length) scratch = Buffer.allocUnsafe(max * 2);
  scratch[0] = LEAF_HASH_PREFIX;
  const n = scratch.write(leaf, 1, 'utf8');
  return hash('sha256', scratch.subarray(0, n + 1), 'buffer') as unknown as Buffer;
}

const nodeScratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);

/** HASH(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeScratch[0] = NODE_HASH_PREFIX;
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeScratch, 'buffer') as unknown as Buffer;
}

/** The largest power of two strictly smaller than n (n > 1): the split point k of §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[lo:hi]) over leaf hashes, RFC 9162 §2.1.1. */
export function rootOf(leafHashes: readonly Uint8Array[], lo = 0, hi = leafHashes.length): Buffer {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leafHashes[lo]!);
  const k = splitPoint(n);
  return hashChildren(rootOf(leafHashes, lo, lo + k), rootOf(leafHashes, lo + k, hi));
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf m in the tree of the given leaves. */
export function inclusionProof(index: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
    throw new VerificationError('PROOF_INVALID', `leaf index ${index} is outside a tree of size ${n}`);
  }
  const proof: Buffer[] = [];
  const path = (m: number, lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (m < k) {
      path(m, lo, lo + k);
      proof.push(rootOf(leafHashes, lo + k, hi));
    } else {
      path(m - k, lo + k, hi);
      proof.push(rootOf(leafHashes, lo, lo + k));
    }
  };
  path(index, 0, n);
  return proof;
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: proof that the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(m: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(m) || m < 0 || m > n) {
    throw new VerificationError('PROOF_INVALID', `size ${m} is outside a tree of size ${n}`);
  }
  const proof: Buffer[] = [];
  if (m === 0 || m === n) return proof;
  const subproof = (mm: number, lo: number, hi: number, complete: boolean): void => {
    if (mm === hi - lo) {
      if (!complete) proof.push(rootOf(leafHashes, lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (mm <= k) {
      subproof(mm, lo, lo + k, complete);
      proof.push(rootOf(leafHashes, lo + k, hi));
    } else {
      subproof(mm - k, lo + k, hi, false);
      proof.push(rootOf(leafHashes, lo, lo + k));
    }
  };
  subproof(m, 0, n, true);
  return proof;
}

function checkHash(h: Uint8Array, what: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new VerificationError('PROOF_INVALID', `${what} is not a ${HASH_SIZE}-byte hash`);
  }
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new VerificationError('PROOF_INVALID', `${what} must be a non-negative integer`);
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–5, without the final comparison). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) throw new VerificationError('PROOF_INVALID', `leaf index ${index} is not below tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  // fn and sn can exceed 2^31, so plain division is used instead of 32-bit shifts.
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    checkHash(p, 'proof element');
    if (sn === 0) throw new VerificationError('PROOF_INVALID', 'inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new VerificationError('PROOF_INVALID', 'inclusion proof is too short');
  return r;
}

/** RFC 9162 §2.1.3.2: throws VerificationError unless the proof shows leafHash at index in the tree with root. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, 'root');
  const got = rootFromInclusionProof(index, size, leafHash, proof);
  if (!got.equals(root)) throw new VerificationError('PROOF_INVALID', 'inclusion proof does not lead to the root');
}

/** RFC 9162 §2.1.4.2: throws VerificationError unless the tree (size2, root2) extends (size1, root1). */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size2 < size1) throw new VerificationError('PROOF_INVALID', `size2 ${size2} is smaller than size1 ${size1}`);
  // As transparency-dev/merkle: nothing can be proven about the empty tree, so such a request is refused.
  if (size1 === 0)
    throw new VerificationError('PROOF_INVALID', 'a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) throw new VerificationError('PROOF_INVALID', 'equal sizes need an empty proof');
    if (!Buffer.from(root1).equals(root2))
      throw new VerificationError('PROOF_INVALID', 'equal sizes with different roots');
    return;
  }
  checkHash(root1, 'root1');
  checkHash(root2, 'root2');
  // Step 1.
  if (proof.length === 0) throw new VerificationError('PROOF_INVALID', 'empty consistency proof');
  for (const c of proof) checkHash(c, 'proof element');
  // Step 2: a power-of-two first tree is itself a node of the second, so its root starts the path.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Step 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // Step 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw new VerificationError('PROOF_INVALID', 'consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  if (sn !== 0) throw new VerificationError('PROOF_INVALID', 'consistency proof is too short');
  if (!fr.equals(root1)) throw new VerificationError('PROOF_INVALID', 'consistency proof does not lead to root1');
  if (!sr.equals(root2)) throw new VerificationError('PROOF_INVALID', 'consistency proof does not lead to root2');
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}
