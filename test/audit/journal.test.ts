import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { leafIndex, leafText, parseLeaf } from '../../src/audit/entry.js';
import { Journal } from '../../src/audit/journal.js';
import { tempDir } from './helpers.js';

describe('journal', () => {
  it('frames each record as length, CRC-32 and payload', () => {
    const path = join(tempDir(), 'a.journal');
    const j = new Journal(path);
    j.append('abc');
    j.close();
    const bytes = readFileSync(path);
    expect(bytes.readUInt32LE(0)).toBe(3);
    // CRC-32 (IEEE) of "abc" is 0x352441c2.
    expect(bytes.readUInt32LE(4)).toBe(0x352441c2);
    expect(bytes.subarray(8).toString()).toBe('abc');
  });

  it('replays the uncommitted tail after reopening, and drops a torn last record', () => {
    const path = join(tempDir(), 'b.journal');
    const j = new Journal(path);
    j.append('one');
    const afterOne = j.endOffset;
    j.append('two');
    j.append('three');
    j.markCommitted(afterOne);
    j.close();
    // A crash in the middle of a fourth write: only part of it reached the file.
    appendFileSync(path, Buffer.from([5, 0, 0, 0, 1, 2]));
    const again = new Journal(path);
    const { records, torn } = again.readPending();
    expect(records).toEqual(['two', 'three']);
    expect(torn).toBe(true);
    again.close();
  });

  it('stops at a record whose checksum fails', () => {
    const path = join(tempDir(), 'c.journal');
    const j = new Journal(path);
    j.append('good');
    j.append('evil');
    j.close();
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] = 0x21;
    writeFileSync(path, bytes);
    expect(new Journal(path).readPending().records).toEqual(['good']);
  });

  it('truncates itself once everything is committed', () => {
    const path = join(tempDir(), 'd.journal');
    const j = new Journal(path);
    j.append('x');
    j.markCommitted(j.endOffset);
    expect(readFileSync(path)).toHaveLength(0);
    expect(j.pending).toBe(0);
    j.append('y');
    expect(j.readPending().records).toEqual(['y']);
    j.close();
    truncateSync(path, 0);
  });
});

describe('canonical entries', () => {
  it('sorts keys by code unit, drops undefined and has no whitespace (RFC 8785)', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, é: 0.5, Z: -0 })).toBe(
      '{"Z":0,"a":[true,null,"x"],"b":1,"é":0.5}',
    );
    expect(canonicalJson({ n: 1e21, s: 'line\n"q"' })).toBe('{"n":1e+21,"s":"line\\n\\"q\\""}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/bigint/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/deeply/);
  });

  it('puts the index inside the leaf', () => {
    const leaf = leafText('{"time":1,"type":"admin","v":1}', 42);
    expect(leaf).toBe('{"e":{"time":1,"type":"admin","v":1},"n":42}');
    expect(leafIndex(leaf)).toBe(42);
    expect(parseLeaf(leaf).entry.type).toBe('admin');
    for (const bad of ['{"e":{},"n":01}', '{"e":{},"n":-1}', 'n":3}', '{"e":{}}']) expect(leafIndex(bad)).toBe(-1);
    expect(() => parseLeaf('{"e":{"v":2,"type":"x"},"n":1}')).toThrow(/version-1/);
  });
});

describe('commitJournalTail', () => {
  it('commits what was pending when called and leaves entries appended meanwhile for the next commit', async () => {
    const { openStore } = await import('../../src/store/db.js');
    const { commitJournalTail, entryRecord } = await import('../../src/audit/committer.js');
    const store = await openStore({ dataDir: tempDir() });
    const j = new Journal(join(tempDir(), 'c.journal'));
    try {
      const entry = (i: number) => ({ v: 1, time: 1_700_000_000_000 + i, type: 'admin', action: 'test', actor: 'a' });
      const record = (i: number) => {
        const e = entry(i) as never;
        return entryRecord('src', i, e, canonicalJson(e));
      };
      for (let i = 0; i < 3; i++) j.append(record(i));
      // One entry per transaction, so a commit that chased new entries would go on to take the late ones.
      const running = commitJournalTail(store.db, j, 1);
      for (let i = 3; i < 6; i++) j.append(record(i));
      expect(await running).toBe(3);
      expect(j.readPending().records).toHaveLength(3);
      expect(await commitJournalTail(store.db, j, 1)).toBe(6);
      expect(j.pending).toBe(0);
    } finally {
      j.close();
      await store.close();
    }
  });
});
