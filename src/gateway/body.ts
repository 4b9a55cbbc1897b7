import { PortcullisError } from '../core/errors.js';

/** Deeper JSON than any real request needs; keeps recursive validators and walkers safe. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function stripProto(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' ? undefined : value;
}

/**
 * Parses a client body: strict UTF-8, JSON, an object at the top, bounded depth, and no `__proto__` /
 * `constructor` keys (which could poison objects built from the body later).
 */
export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new PortcullisError('PCX_INVALID_JSON', 'the request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value =
      text.includes('__proto__') || text.includes('constructor') ? JSON.parse(text, stripProto) : JSON.parse(text);
  } catch (err) {
    const detail = err instanceof SyntaxError ? err.message : 'too deeply nested';
    throw new PortcullisError('PCX_INVALID_JSON', `the request body is not valid JSON: ${detail}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PortcullisError('PCX_INVALID_JSON', 'the request body must be a JSON object');
  }
  if (depthExceeds(value, MAX_JSON_DEPTH)) {
    throw new PortcullisError('PCX_INVALID_REQUEST', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value;
}

/** Iterative, so a hostile body cannot overflow the stack. */
export function depthExceeds(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    if (node !== null && typeof node === 'object') {
      const children = Array.isArray(node) ? node : Object.values(node);
      for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
