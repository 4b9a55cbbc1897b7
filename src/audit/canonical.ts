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

// Written as plain loops: this runs once per recorded exchange on the request path.
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
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          out += (i === 0 ? '' : ',') + encode(v === undefined ? null : v, depth + 1);
        }
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is RFC 8785's order.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:${encode(v, depth + 1)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new AuditError('AUDIT_ENTRY_INVALID', `a ${typeof value} cannot be part of an entry`);
  }
}
