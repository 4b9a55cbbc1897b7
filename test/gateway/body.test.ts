import { describe, expect, it } from 'vitest';
import { isPortcullisError } from '../../src/core/errors.js';
import { depthExceeds, MAX_JSON_DEPTH, parseJsonBody } from '../../src/gateway/body.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isPortcullisError(err) ? err.code : 'not-portcullis';
  }
  return undefined;
}

describe('parseJsonBody', () => {
  it('parses an object', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,{"b":"ü"}]}'))).toEqual({ a: [1, { b: 'ü' }] });
  });

  it('rejects invalid UTF-8, bad JSON, and non-object tops', () => {
    expect(codeOf(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])))).toBe('PCX_INVALID_JSON');
    expect(codeOf(() => parseJsonBody(Buffer.from('{"a":')))).toBe('PCX_INVALID_JSON');
    expect(codeOf(() => parseJsonBody(Buffer.from('[1,2]')))).toBe('PCX_INVALID_JSON');
    expect(codeOf(() => parseJsonBody(Buffer.from('"text"')))).toBe('PCX_INVALID_JSON');
    expect(codeOf(() => parseJsonBody(Buffer.from('null')))).toBe('PCX_INVALID_JSON');
  });

  it('rejects bodies nested deeper than the limit, without overflowing the stack', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 5)}${']'.repeat(MAX_JSON_DEPTH + 5)}`;
    expect(codeOf(() => parseJsonBody(Buffer.from(`{"a":${deep}}`)))).toBe('PCX_INVALID_REQUEST');
    const veryDeep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(['PCX_INVALID_REQUEST', 'PCX_INVALID_JSON']).toContain(codeOf(() => parseJsonBody(Buffer.from(veryDeep))));
  });

  it('accepts nesting at the limit', () => {
    let v: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) v = [v];
    expect(depthExceeds({ a: v }, MAX_JSON_DEPTH)).toBe(false);
    expect(depthExceeds({ a: [v] }, MAX_JSON_DEPTH)).toBe(true);
  });

  it('drops __proto__ and constructor keys so they cannot poison objects built later', () => {
    const parsed = parseJsonBody(
      Buffer.from('{"__proto__":{"polluted":1},"a":{"constructor":{"x":1},"k":2}}'),
    ) as Record<string, unknown>;
    const copy = Object.assign({}, parsed);
    expect((copy as { polluted?: number }).polluted).toBeUndefined();
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect(parsed.a).toEqual({ k: 2 });
  });
});
