import { AuditError } from './errors.js';

/**
 * Canonical JSON per RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does (which is what
 * RFC 8785 §3.2.2 prescribes). Properties whose value is undefined are omitted. The same value always
 * gives the same bytes, so an entry's hash does not depend on who encoded it.
 */

const MAX_DEPTH = 32;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new AuditError('AUDIT_ENTRY_INVALID', 'entry is nested too deeply');
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new AuditError('AUDIT_ENTRY_INVALID', 'numbers in entries must be finite');
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => encode(v === undefined ? null : v, depth + 1)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(obj[k], depth + 1)}`).join(',')}}`;
    }
    default:
      throw new AuditError('AUDIT_ENTRY_INVALID', `a ${typeof value} cannot be part of an entry`);
  }
}
