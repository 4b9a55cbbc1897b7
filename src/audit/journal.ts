import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * The local append-only journal that makes an entry durable before the database has it. One record =
 * one `write` of [u32 length][u32 CRC-32 of payload][payload], little-endian, no fsync: once the kernel
 * has the bytes, a killed process loses nothing (a power cut may; see docs/audit.md). A side file holds
 * the offset up to which the database has committed; at start the tail after it is replayed.
 * A torn last record (crash mid-write) fails its length or CRC check and is dropped: it was never
 * acknowledged, because the write had not returned.
 */

const HEADER = 8;
/** Larger than any entry the log accepts; a larger length field means a torn or corrupt header. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

export class Journal {
  private readonly fd: number;
  private readonly commitFd: number;
  private end: number;
  private committed: number;
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+', 0o600);
    this.commitFd = openSync(`${path}.committed`, 'a+', 0o600);
    this.end = fstatSync(this.fd).size;
    this.committed = readCommitted(this.commitFd);
    if (this.committed > this.end) this.committed = this.end;
  }

  /** Bytes appended and not yet committed to the database. */
  get pending(): number {
    return this.end - this.committed;
  }

  get committedOffset(): number {
    return this.committed;
  }

  get endOffset(): number {
    return this.end;
  }

  /** One write per record. Returns the offset just after it. */
  append(payload: string): number {
    // Encoded into a reused buffer: no allocation (and no separate length pass) per record.
    if (HEADER + payload.length * 3 > this.scratch.length)
      this.scratch = Buffer.allocUnsafe(HEADER + payload.length * 3);
    const buf = this.scratch;
    const len = buf.write(payload, HEADER, 'utf8');
    const total = HEADER + len;
    buf.writeUInt32LE(len, 0);
    buf.writeUInt32LE(crc32(buf.subarray(HEADER, total)), 4);
    let off = 0;
    // A short write is possible in principle (disk full); loop so a record is never half-written by us.
    while (off < total) off += writeSync(this.fd, buf, off, total - off, null);
    this.end += total;
    return this.end;
  }

  /** Records from the committed offset on: at most `maxRecords`, and about `maxBytes` worth. */
  readPending(
    maxRecords = 10_000,
    maxBytes = 16 * 1024 * 1024,
  ): { records: string[]; endOffset: number; torn: boolean } {
    return readRecords(this.fd, this.committed, this.end, maxRecords, maxBytes);
  }

  /**
   * Marks everything up to `offset` as in the database. When that is the whole file, the file is
   * truncated, so the journal only ever holds the uncommitted tail (plus at most one batch).
   */
  markCommitted(offset: number): void {
    this.committed = offset;
    if (offset >= this.end) {
      ftruncateSync(this.fd, 0);
      this.end = 0;
      this.committed = 0;
    }
    writeCommitted(this.commitFd, this.committed);
  }

  close(): void {
    closeSync(this.fd);
    closeSync(this.commitFd);
  }
}

function readCommitted(fd: number): number {
  const buf = Buffer.alloc(8);
  const n = readSync(fd, buf, 0, 8, 0);
  if (n < 8) return 0;
  const v = Number(buf.readBigUInt64LE(0));
  return Number.isSafeInteger(v) ? v : 0;
}

function writeCommitted(fd: number, offset: number): void {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(offset), 0);
  ftruncateSync(fd, 0);
  writeSync(fd, buf, 0, 8, 0);
}

/** Bytes read from the journal per `read` while parsing (records are parsed from memory, not read one by one). */
const READ_CHUNK = 4 * 1024 * 1024;

/**
 * Parses records in [from, to), reading the file in large chunks. A bad header or CRC ends the read:
 * what follows is a torn tail.
 */
export function readRecords(
  fd: number,
  from: number,
  to: number,
  maxRecords: number,
  maxBytes: number,
): { records: string[]; endOffset: number; torn: boolean } {
  const records: string[] = [];
  let pos = from;
  let chunk = Buffer.alloc(0);
  /** File offset of chunk[0]. */
  let chunkAt = from;
  /** Makes [pos, pos + n) available in `chunk`; false when the file ends first. */
  const have = (n: number): boolean => {
    if (pos + n <= chunkAt + chunk.length) return true;
    if (pos + n > to) return false;
    const want = Math.min(to - pos, Math.max(n, READ_CHUNK));
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const r = readSync(fd, buf, got, want - got, pos + got);
      if (r <= 0) break;
      got += r;
    }
    chunk = buf.subarray(0, got);
    chunkAt = pos;
    return got >= n;
  };
  while (pos < to && pos - from < maxBytes && records.length < maxRecords) {
    if (!have(HEADER)) return { records, endOffset: pos, torn: true };
    const at = pos - chunkAt;
    const len = chunk.readUInt32LE(at);
    const crc = chunk.readUInt32LE(at + 4);
    if (len > MAX_RECORD_BYTES || pos + HEADER + len > to || !have(HEADER + len))
      return { records, endOffset: pos, torn: true };
    const body = chunk.subarray(pos - chunkAt + HEADER, pos - chunkAt + HEADER + len);
    if (crc32(body) !== crc) return { records, endOffset: pos, torn: true };
    records.push(body.toString('utf8'));
    pos += HEADER + len;
  }
  return { records, endOffset: pos, torn: false };
}
