/**
 * Turns zod issues into the one PortcullisError a client sees, with the offending field written the way
 * OpenAI writes it (`messages[2].content`), so SDK users recognise the path.
 */
import type { z } from 'zod';
import { PortcullisError } from '../../core/errors.js';

type Issue = z.core.$ZodIssue;

/** `['messages', 2, 'content']` → `messages[2].content`. */
export function formatParam(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Picks the most useful issue: for a union, the branch that got furthest into the value (the longest
 * path) says more than "Invalid input".
 */
function explain(issue: Issue, base: readonly PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const branch of issue.errors) {
      for (const inner of branch) if (best === undefined || inner.path.length > best.path.length) best = inner;
    }
    if (best !== undefined && best.path.length > 0) return explain(best, path);
    // Every branch failed at the value itself: name what would have been accepted.
    const expected = issue.errors
      .flat()
      .map((i) => (i.code === 'invalid_type' ? i.expected : undefined))
      .filter((e): e is NonNullable<typeof e> => e !== undefined);
    if (expected.length === issue.errors.length) return { path, message: `expected ${expected.join(' or ')}` };
  }
  return { path, message: issue.message };
}

export function toInvalidRequest(error: z.ZodError, prefix: readonly PropertyKey[] = []): PortcullisError {
  const first = error.issues[0];
  if (first === undefined) return new PortcullisError('PCX_INVALID_REQUEST', 'invalid request body');
  const { path, message } = explain(first, prefix);
  const param = formatParam(path);
  return new PortcullisError(
    'PCX_INVALID_REQUEST',
    param === '' ? `request body: ${message}` : `${param}: ${message}`,
    param === '' ? {} : { param },
  );
}

/** Copies the fields of `body` not in `known` (a request's dialect-specific extras). */
export function collectExtra(body: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    // `__proto__` as an own key of parsed JSON would become a prototype when copied by assignment.
    if (known.has(key) || key === '__proto__') continue;
    extra[key] = body[key];
  }
  return extra;
}
