import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayFile, replayLines } from '../../src/extraction/replay.js';
import { chatLine, harvestLine, merge } from './helpers.js';

describe('replayFile (chunked line splitting)', () => {
  const trace = merge(
    Array.from({ length: 40 }, (_, i) => harvestLine(i)),
    Array.from({ length: 30 }, (_, i) => ({ ...chatLine(i), account: 'Zoë-日本' })),
  ).map((l) => JSON.stringify(l));
  // CRLF endings, a blank line, a malformed line, non-ASCII text and no final newline.
  const text = `${trace.slice(0, 10).join('\r\n')}\r\n\n{broken\n${trace.slice(10).join('\n')}`;
  const dir = mkdtempSync(join(tmpdir(), 'pcx-replay-'));
  const file = join(dir, 't.jsonl');
  writeFileSync(file, text);
  const expected = [...trace.slice(0, 10), '', '{broken', ...trace.slice(10)];

  for (const chunkBytes of [1, 7, 64, 333, 4096, 1 << 20]) {
    it(`gives what line-by-line replay gives, with ${chunkBytes}-byte chunks`, async () => {
      const want = await replayLines(expected);
      const got = await replayFile(file, { chunkBytes });
      expect(got.lines).toBe(want.lines);
      expect(got.events).toBe(70);
      expect(got.malformed).toEqual([{ line: 12, reason: 'not valid JSON' }]);
      expect([...got.tallies.values()].map((t) => t.record)).toEqual([...want.tallies.values()].map((t) => t.record));
      expect(got.tallies.get('Zoë-日本')!.record.requests).toBe(30);
    });
  }
});
