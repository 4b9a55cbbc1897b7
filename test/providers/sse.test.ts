import { describe, expect, it } from 'vitest';
import { formatSse, MAX_SSE_EVENT, MAX_SSE_LINE, SseParser } from '../../src/providers/sse.js';

function parseAll(chunks: Array<string | Uint8Array>): Array<{ event: string | undefined; data: string }> {
  const p = new SseParser();
  const out = chunks.flatMap((c) => p.push(c));
  return [...out, ...p.end()];
}

describe('SseParser', () => {
  it('parses events with LF, CRLF and CR line endings alike', () => {
    const expected = [
      { event: 'message_start', data: '{"a":1}' },
      { event: undefined, data: 'two' },
    ];
    expect(parseAll(['event: message_start\ndata: {"a":1}\n\ndata: two\n\n'])).toEqual(expected);
    expect(parseAll(['event: message_start\r\ndata: {"a":1}\r\n\r\ndata: two\r\n\r\n'])).toEqual(expected);
    expect(parseAll(['event: message_start\rdata: {"a":1}\r\rdata: two\r\r'])).toEqual(expected);
  });

  it('handles a CRLF split across chunks as one line break', () => {
    const p = new SseParser();
    expect(p.push('data: x\r')).toEqual([]);
    expect(p.push('\n\r')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('dispatches a blank line that ended a chunk with a bare CR once more text arrives', () => {
    const p = new SseParser();
    expect(p.push('data: y\r\r')).toEqual([]); // the final CR may still be half of a CRLF
    expect(p.push('data: z')).toEqual([{ event: undefined, data: 'y' }]);
  });

  it('joins multi-line data with LF, ignores comments and unknown fields, strips one leading space', () => {
    expect(parseAll([': keep-alive\nid: 7\ndata:  two spaces\ndata:no space\nretry: 10\n\n'])).toEqual([
      { event: undefined, data: ' two spaces\nno space' },
    ]);
  });

  it('reassembles lines and UTF-8 characters split across byte chunks', () => {
    const bytes = new TextEncoder().encode('event: t\ndata: {"t":"Ø€😀"}\n\n');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b])); // one byte at a time
    expect(parseAll(chunks)).toEqual([{ event: 't', data: '{"t":"Ø€😀"}' }]);
  });

  it('assembles a long line sent in many small chunks', () => {
    const p = new SseParser();
    p.push('data: ');
    for (let i = 0; i < 1000; i++) expect(p.push('abcdefgh')).toEqual([]);
    expect(p.push('\n\n')).toEqual([{ event: undefined, data: 'abcdefgh'.repeat(1000) }]);
  });

  it('does not dispatch an event that has no data lines (WHATWG §9.2.6), and forgets its type', () => {
    expect(parseAll(['event: ping\n\ndata: after\n\n'])).toEqual([{ event: undefined, data: 'after' }]);
  });

  it('returns a last event not followed by a blank line at end()', () => {
    expect(parseAll(['data: tail'])).toEqual([{ event: undefined, data: 'tail' }]);
    const p = new SseParser();
    p.push('da');
    p.push('ta: in pieces');
    expect(p.end()).toEqual([{ event: undefined, data: 'in pieces' }]);
  });

  it('refuses a line longer than the bound, whether it arrives at once or in pieces', () => {
    expect(() => new SseParser().push(`data: ${'x'.repeat(MAX_SSE_LINE + 1)}`)).toThrow(/SSE line longer/);
    const p = new SseParser();
    const piece = 'x'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i < 9; i++) p.push(piece);
    }).toThrow(/SSE line longer/);
  });

  it('refuses an event made of many short data lines without a blank line', () => {
    const p = new SseParser();
    const lines = 'data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(10_000);
    const rounds = Math.ceil(MAX_SSE_EVENT / (lines.length - 10_000 * 6)) + 1;
    expect(() => {
      for (let i = 0; i < rounds; i++) p.push(lines);
    }).toThrow(/SSE event longer/);
  });
});

describe('formatSse', () => {
  it('formats data-only and named events, and the parser reads them back', () => {
    expect(formatSse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(formatSse('{"type":"ping"}', 'ping')).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(parseAll([formatSse('[DONE]'), formatSse('{}', 'message_stop')])).toEqual([
      { event: undefined, data: '[DONE]' },
      { event: 'message_stop', data: '{}' },
    ]);
  });
});
