import type { Finding } from '../../core/findings.js';

/**
 * Resolves findings whose spans overlap: the same digits are often claimed twice (a CPF that is also a
 * possible phone number, a card that is also a long digit run). A sweep in start order keeps, of two
 * overlapping findings, the one with the higher score, then the one of the detector listed earlier
 * (`priority`), then the longer. Kept findings never overlap, so a new one can only clash with the last kept:
 * the sweep is O(n log n), which matters for megabyte-sized tool outputs. Findings without spans are kept.
 */
export function resolveOverlaps(findings: readonly Finding[], priority: ReadonlyMap<string, number>): Finding[] {
  const spanned: Finding[] = [];
  const unspanned: Finding[] = [];
  for (const f of findings) {
    if (f.start === undefined || f.end === undefined) unspanned.push(f);
    else spanned.push(f);
  }
  spanned.sort((a, b) => a.start! - b.start! || b.end! - a.end!);
  const rank = (f: Finding): number => priority.get(f.detector) ?? Number.MAX_SAFE_INTEGER;
  const better = (a: Finding, b: Finding): boolean =>
    a.score !== b.score
      ? a.score > b.score
      : rank(a) !== rank(b)
        ? rank(a) < rank(b)
        : a.end! - a.start! > b.end! - b.start!;
  const kept: Finding[] = [];
  for (const f of spanned) {
    const last = kept[kept.length - 1];
    if (last === undefined || f.start! >= last.end!) kept.push(f);
    else if (better(f, last)) kept[kept.length - 1] = f;
  }
  return [...kept, ...unspanned];
}
