/**
 * Small non-cryptographic hashes for sketches. They only need to spread inputs evenly and be stable
 * across processes and versions (profiles are persisted), so they are spelled out here rather than
 * taken from a library whose output could change.
 */

import { createHash } from 'node:crypto';

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

/**
 * A per-deployment key for the hashes of prompt text (template edges, whole prompts, system
 * prompts). With unkeyed 32-bit hashes, anyone who learns a hash (from a verdict, an export, a log)
 * could search offline for a text that lands on it and get linked to, or hide behind, another
 * account's template. Keyed, the hash of a chosen text cannot be computed without the key. Not a
 * cryptographic MAC (32-bit FNV/murmur lanes), but the key is 128 bits and never leaves the process.
 */
export interface HashKey {
  readonly seed: number;
  readonly k1: number;
  readonly k2: number;
  readonly k3: number;
}

/** The fixed key of replay, simulate, evaluation and tests: deterministic, and public, so no secret. */
export const FIXED_HASH_KEY: HashKey = { seed: FNV_OFFSET, k1: 0x2545f491, k2: 0x9e3779b9, k3: 0x7f4a7c15 };

/** Derives a key from a secret string (config or environment) or 16+ random bytes. */
export function hashKeyFrom(secret: string | Uint8Array): HashKey {
  const d = createHash('sha256').update(secret).digest();
  return { seed: d.readUInt32LE(0), k1: d.readUInt32LE(4), k2: d.readUInt32LE(8), k3: d.readUInt32LE(12) };
}

/** Keyed finalisation of a lane seeded with `key.seed`: two keyed rounds of the murmur3 mixer. */
export function keyedFinish(h: number, key: HashKey): number {
  return mix32((mix32((h ^ key.k1) >>> 0) + key.k2) ^ key.k3);
}

/** Keyed hash of a string (FNV-1a lane seeded by the key, then keyed finalisation). */
export function keyedHash(s: string, key: HashKey, salt = 0): number {
  return keyedFinish(fnv1a(s, (key.seed ^ salt) >>> 0), key);
}
