import type { Finding } from '../../core/findings.js';

/**
 * Resolves findings whose spans overlap: the same digits are often claimed twice (a CPF that is also a
 * possible phone number, a card that is also a long digit run). Findings are given in detector priority
 * order; a finding is kept unless it overlaps an already kept one with at least its score, or one of a
 * detector listed earlier. Findings without spans are always kept. Output is sorted by start.
 */
export function resolveOverlaps(findings: readonly Finding[], priority: ReadonlyMap<string, number>): Finding[] {
  const spanned: { f: Finding; rank: number }[] = [];
  const unspanned: Finding[] = [];
  for (const f of findings) {
    if (f.start === undefined || f.end === undefined) unspanned.push(f);
    else spanned.push({ f, rank: priority.get(f.detector) ?? Number.MAX_SAFE_INTEGER });
  }
  // Higher score first, then earlier detector, then longer span: the first claimant of a region wins.
  spanned.sort((a, b) => b.f.score - a.f.score || a.rank - b.rank || b.f.end! - b.f.start! - (a.f.end! - a.f.start!));
  const kept: Finding[] = [];
  for (const { f } of spanned) {
    let clash = false;
    for (const k of kept) {
      if (f.start! < k.end! && k.start! < f.end!) {
        clash = true;
        break;
      }
    }
    if (!clash) kept.push(f);
  }
  kept.sort((a, b) => a.start! - b.start! || a.end! - b.end!);
  return [...kept, ...unspanned];
}
