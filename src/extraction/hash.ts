/**
 * Small non-cryptographic hashes for sketches. They only need to spread inputs evenly and be stable
 * across processes and versions (profiles are persisted), so they are spelled out here rather than
 * taken from a library whose output could change.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, 32 bits. */
export function fnv1a(s: string, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: a cheap bijective mixer, used to derive MinHash permutations. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines two 32-bit hashes order-dependently. */
export function combine(a: number, b: number): number {
  return mix32((Math.imul(a ^ 0x9e3779b9, 31) + b) >>> 0);
}

/** A stable hex token for a hash (used as keys in maps and in persisted JSON). */
export function hex(h: number): string {
  return (h >>> 0).toString(16).padStart(8, '0');
}
