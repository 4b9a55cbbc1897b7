import { randomFillSync } from 'node:crypto';

/**
 * Cryptographically random bytes for per-request identifiers (request ids, canary tokens), taken from a
 * pool refilled 4 KB at a time: `randomBytes(12)` per request was one getrandom call and one Buffer
 * allocation each, visible in the gateway's CPU profile. Bytes are handed out once and never reused.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** `n` fresh random bytes (n ≤ 4096) as a view that is valid until the next call: copy or encode at once. */
export function randomView(n: number): Buffer {
  if (n > POOL_SIZE) throw new RangeError(`randomView: at most ${POOL_SIZE} bytes`);
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const view = pool.subarray(offset, offset + n);
  offset += n;
  return view;
}
