import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/findings.js';
import { spacedValueToken } from '../../../src/guards/output-guard.js';
import { createOutputScanFilter, type OutputScannerOptions } from '../../../src/guards/output-scanner.js';
import { cuts, regexDetector, runFilters } from '../engine/doubles.js';

// Greedy: a key cut short still matches, so a scanner that judged it early would mask only a prefix.
const greedy = regexDetector('secret.test_key', 'secret', /tk_[a-z0-9]{8,}/, 1);
// Greedy over spaced digits: "4111 1111 1111" already matches, the full number is longer.
const spacedDigits = regexDetector('pii.test_card', 'pii', /\d(?:[ ]?\d){11,18}/, 1);

function scanner(reported: Finding[] = [], over: Partial<OutputScannerOptions> = {}) {
  return createOutputScanFilter({
    name: 'test',
    detect: (text) => [
      ...greedy.detect(text, { role: 'assistant' }),
      ...spacedDigits.detect(text, { role: 'assistant' }),
    ],
    judge: () => 'redact',
    report: (f) => void reported.push(f),
    tokenChars: 256,
    spacedChars: 44,
    spacedToken: spacedValueToken,
    rightContextChars: 16,
    lookbehindChars: 16,
    ...over,
  });
}

function twoCharChunks(text: string): string[] {
  return text.match(/[\s\S]{1,2}/g) ?? [];
}

describe('output scanner', () => {
  it('masks a greedy match whole at every cut', () => {
    const key = `tk_${'a1b2c3d4e5'.repeat(4)}`; // 43 characters
    const answer = `${'lorem ipsum '.repeat(8)}${key} ${'dolor sit '.repeat(8)}`;
    const expected = answer.replace(key, '[REDACTED:secret.test_key]');
    for (const chunks of cuts(answer)) {
      if (chunks.length === 3 && chunks[1]!.length % 9 !== 1) continue;
      const reported: Finding[] = [];
      const out = runFilters([scanner(reported)], 'text', chunks);
      if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
      expect(reported).toHaveLength(1);
      // Offsets are positions in the channel's output so far: 8 × 12 characters of filler before the key.
      expect(reported[0]).toMatchObject({ start: 96, end: 139 });
    }
  });

  it('masks a number printed with spaces whole at every cut, though a prefix of it already matches', () => {
    const card = '4539 1488 0343 6467 123'; // 19 digits in groups
    const answer = `please note the number ${card} and nothing else follows here.`;
    const expected = 'please note the number [REDACTED:pii.test_card] and nothing else follows here.';
    for (const chunks of cuts(answer)) {
      const out = runFilters([scanner()], 'text', chunks);
      if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
    }
  });

  it('reports each finding once even though windows overlap', () => {
    const reported: Finding[] = [];
    const f = scanner(reported);
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
    const f = scanner([], { tokenChars: 16 });
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
    expect(runFilters([scanner()], 'text', ['', ''])).toBe('');
  });
});

describe('output scanner hold-back', () => {
  // Lower-case words of four letters or more: none could be part of a value printed with spaces.
  const prose =
    'sure thing, here comes what your question needs: portcullis keeps watch over every answer while ' +
    'tokens stream through, without holding whole paragraphs back from people waiting.';

  it('sends ordinary prose up to the last space as soon as that space arrives', () => {
    const f = scanner();
    let received = '';
    let sent = '';
    let pieces = 0;
    for (const chunk of twoCharChunks(prose)) {
      received += chunk;
      const out = f.push('text', chunk);
      if (out.length > 0) pieces++;
      sent += out;
      // Everything before the last word boundary received has left; only the word being written is held.
      if (/\s/.test(chunk)) expect(sent).toBe(received.slice(0, received.lastIndexOf(' ') + 1));
      expect(received.length - sent.length).toBeLessThanOrEqual('paragraphs'.length + 2);
    }
    sent += f.flush('text');
    expect(sent).toBe(prose);
    // One piece per word (the last one arrives in the flush).
    expect(pieces).toBe(prose.split(' ').length - 1);
  });

  it('holds a trailing chain of value-like tokens, at most the spaced bound', () => {
    const f = scanner([], { detect: () => [] });
    const sent = f.push('text', 'call me on +44 20 7946 ');
    // "+44 20 7946 " could still become a phone number; "on" is not part of any spaced format.
    expect(sent).toBe('call me on ');
    const more = f.push('text', '0958 and then stop here ');
    expect(more).toBe('+44 20 7946 0958 and then stop here ');
    // A chain longer than the bound: only its last 44 characters (whole tokens) stay back.
    const digits = f.push('text', '12 34 56 78 90 12 34 56 78 90 12 34 56 78 90 12 34 ');
    expect(digits).toBe('12 34 56 ');
    expect(f.flush('text')).toBe('78 90 12 34 56 78 90 12 34 56 78 90 12 34 ');
  });

  it('never holds more than the token bound of a run without spaces, fed in tiny chunks', () => {
    const f = scanner([], { detect: () => [], tokenChars: 64 });
    let received = 0;
    let sent = 0;
    for (let i = 0; i < 2000; i++) {
      const chunk = 'z'.repeat((i % 3) + 1);
      received += chunk.length;
      sent += f.push('text', chunk).length;
      // The run is scanned when it reaches 64; one chunk (≤ 3) may arrive before that check.
      expect(received - sent).toBeLessThan(64 + 3);
    }
    sent += f.flush('text').length;
    expect(sent).toBe(received);
  });

  it('holds a fenced block until its closing line, then masks it whole', () => {
    const pem = regexDetector('secret.test_pem', 'secret', /-----BEGIN KEY-----[\s\S]*?-----END KEY-----/, 1);
    const body = Array.from({ length: 6 }, (_, i) => `Q${i}x`.repeat(16)).join('\n');
    const answer = `here it is:\n-----BEGIN KEY-----\n${body}\n-----END KEY-----\nkeep it safe.`;
    const expected = 'here it is:\n[REDACTED:secret.test_pem]\nkeep it safe.';
    const opts = {
      detect: (t: string) => pem.detect(t, { role: 'assistant' }),
      fences: [{ open: '-----BEGIN ', close: '-----END ', maxChars: 4096 }],
    };
    for (let i = 0; i <= answer.length; i += 1) {
      const out = runFilters([scanner([], opts)], 'text', [answer.slice(0, i), answer.slice(i)]);
      if (out !== expected) expect({ i, out }).toEqual({ i, out: expected });
    }
    // Without the fence, spaces and newlines inside the block would let its first lines leave early.
    const unfenced = runFilters([scanner([], { detect: opts.detect })], 'text', twoCharChunks(answer));
    expect(unfenced).not.toBe(expected);
  });

  it('keeps a finding that touches the end until enough follows to judge it', () => {
    const reported: Finding[] = [];
    const f = scanner(reported, { spacedToken: () => false });
    // Complete and followed by a space, but the next 16 characters may still carry context words.
    expect(f.push('text', 'the key tk_abcdefgh1 ')).toBe('the key ');
    expect(reported).toEqual([]);
    expect(f.push('text', 'was rotated yesterday ')).toBe('[REDACTED:secret.test_key] was rotated yesterday ');
    expect(reported).toHaveLength(1);
  });
});

describe('output scanner on a whole answer', () => {
  const key = `tk_${'a1b2c3d4e5'.repeat(4)}`;
  const answers = [
    '',
    'plain prose with nothing to find in it at all.',
    `${key} at the very start, then prose.`,
    `prose, then at the very end ${key}`,
    `two keys ${key} and ${key.replace('a1', 'z9')} and a card 4539 1488 0343 6467 123 in the middle. ${'filler '.repeat(40)}`,
    `a long one: ${'lorem ipsum '.repeat(60)}${key}${' dolor'.repeat(30)} 4539 1488 0343 6467 123`,
  ];

  it('masks and reports what push then flush would, in one call, with spans into the answer as received', () => {
    for (const answer of answers) {
      const streamed: Finding[] = [];
      const once: Finding[] = [];
      const expected = runFilters([scanner(streamed)], 'text', [answer]);
      const f = scanner(once);
      expect(f.whole!('text', answer)).toBe(expected);
      expect(once.map((x) => x.detector)).toEqual(streamed.map((x) => x.detector));
      for (const x of once) {
        const value = answer.slice(x.start, x.end);
        expect(value).toMatch(x.detector === 'pii.test_card' ? /^4539 1488 0343 6467 123$/ : /^tk_[a-z0-9]{40}$/);
      }
    }
    // Precondition: the set exercises masking (or the equality above would prove little).
    expect(runFilters([scanner()], 'text', [answers[4]!])).toContain('[REDACTED:secret.test_key]');
  });

  it('falls back to push and flush on a channel that already has streamed text', () => {
    const f = scanner();
    const first = f.push('text', `start ${key.slice(0, 10)}`);
    const rest = f.whole!('text', `${key.slice(10)} end`);
    expect(first + rest).toBe('start [REDACTED:secret.test_key] end');
  });
});
