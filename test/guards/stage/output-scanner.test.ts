import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/findings.js';
import { createOutputScanFilter } from '../../../src/guards/output-scanner.js';
import { cuts, regexDetector, runFilters } from '../engine/doubles.js';

// Greedy: a key cut short still matches, so a scanner that judged it early would mask only a prefix.
const greedy = regexDetector('secret.test_key', 'secret', /tk_[a-z0-9]{8,}/, 1);

function scanner(holdChars: number, reported: Finding[] = []) {
  return createOutputScanFilter({
    name: 'test',
    detect: (text) => greedy.detect(text, { role: 'assistant' }),
    judge: () => 'redact',
    report: (f) => void reported.push(f),
    holdChars,
    lookbehindChars: 16,
  });
}

describe('output scanner', () => {
  it('masks a greedy match whole at every cut when it is shorter than the hold', () => {
    const key = `tk_${'a1b2c3d4e5'.repeat(4)}`; // 43 characters
    const answer = `${'lorem ipsum '.repeat(8)}${key} ${'dolor sit '.repeat(8)}`;
    const expected = answer.replace(key, '[REDACTED:secret.test_key]');
    for (const chunks of cuts(answer)) {
      if (chunks.length === 3 && chunks[1]!.length % 9 !== 1) continue;
      const reported: Finding[] = [];
      const out = runFilters([scanner(48, reported)], 'text', chunks);
      if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
      expect(reported).toHaveLength(1);
      // Offsets are positions in the channel's output so far.
      expect(reported[0]).toMatchObject({ start: 96, end: 139 });
    }
  });

  it('reports each finding once even though windows overlap', () => {
    const reported: Finding[] = [];
    const f = scanner(16, reported);
    const answer = `${'x '.repeat(40)}tk_12345678 ${'y '.repeat(40)}tk_abcdefgh ${'z '.repeat(40)}`;
    let out = '';
    for (const ch of answer) out += f.push('text', ch);
    out += f.flush('text');
    expect(out).toBe(
      answer.replace('tk_12345678', '[REDACTED:secret.test_key]').replace('tk_abcdefgh', '[REDACTED:secret.test_key]'),
    );
    expect(reported.map((r) => r.start)).toEqual([80, 80 + 26 + 1 + 80]);
  });

  it('never splits a surrogate pair between two pushes', () => {
    const f = scanner(16);
    const text = '😀'.repeat(40);
    for (let cut = 0; cut < 10; cut++) {
      const a = f.push('text', text.slice(0, 49 + cut));
      const last = a.charCodeAt(a.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      const rest = f.push('text', text.slice(49 + cut)) + f.flush('text');
      expect(a + rest).toBe(text);
    }
  });

  it('passes an empty channel through', () => {
    expect(runFilters([scanner(16)], 'text', ['', ''])).toBe('');
  });
});
