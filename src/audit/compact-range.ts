import { EMPTY_ROOT, HASH_SIZE, hashChildren } from './merkle.js';

/**
 * The right edge of an append-only Merkle tree: the roots of its perfect subtrees, largest first (one
 * per set bit of the size). Appending a leaf and computing the RFC 9162 root need only this, so the
 * log and the verifier extend the tree in O(log n) memory without keeping every leaf hash.
 */
export class CompactRange {
  private readonly nodes: Buffer[];
  private count: number;

  constructor(size = 0, nodes: Buffer[] = []) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
    if (popcount(size) !== nodes.length)
      throw new RangeError(`a tree of size ${size} has ${popcount(size)} frontier nodes`);
    this.count = size;
    this.nodes = nodes.map((n) => Buffer.from(n));
  }

  get size(): number {
    return this.count;
  }

  /** Adds the hash of the next leaf, merging equal-sized subtrees as a binary counter carries. */
  append(leafHash: Buffer): void {
    let h = leafHash;
    let s = this.count;
    while (s % 2 === 1) {
      h = hashChildren(this.nodes.pop()!, h);
      s = Math.floor(s / 2);
    }
    this.nodes.push(h);
    this.count++;
  }

  /** MTH of the leaves so far: the subtree roots folded from the smallest (rightmost) up. */
  root(): Buffer {
    const n = this.nodes.length;
    if (n === 0) return EMPTY_ROOT;
    let r = this.nodes[n - 1]!;
    for (let i = n - 2; i >= 0; i--) r = hashChildren(this.nodes[i]!, r);
    return r;
  }

  /** The frontier as one byte string (stored with the tree head). */
  serialize(): Buffer {
    return Buffer.concat(this.nodes);
  }

  static deserialize(size: number, bytes: Uint8Array): CompactRange {
    if (bytes.length % HASH_SIZE !== 0) throw new RangeError('frontier length is not a multiple of the hash size');
    const nodes: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += HASH_SIZE) nodes.push(Buffer.from(bytes.subarray(i, i + HASH_SIZE)));
    return new CompactRange(size, nodes);
  }

  clone(): CompactRange {
    return new CompactRange(this.count, this.nodes);
  }
}

function popcount(n: number): number {
  let c = 0;
  let x = n;
  while (x > 0) {
    c += x % 2;
    x = Math.floor(x / 2);
  }
  return c;
}
