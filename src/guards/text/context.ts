/**
 * Context-word lookup: whether one of a set of words appears within a window before (or after) a
 * span. Presidio raises a recognizer's score when such words surround the match; we do the same,
 * and some detectors (bare 9-digit SSNs, dates of birth, passports) require them.
 */

/** Default window in UTF-16 code units on each side. Wide enough for "Passport number (if any):". */
export const CONTEXT_WINDOW = 48;

/**
 * A compiled set of context words. Words are matched case-insensitively; a word of letters must start at a
 * word boundary so that "dob" does not match inside "adobe". CJK words match anywhere.
 */
export class ContextWords {
  private readonly re: RegExp;

  constructor(words: readonly string[]) {
    const esc = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // One boundary lookbehind for all Latin words (not one per alternative): the regex runs per candidate.
    const bounded = words.filter((w) => /^[\p{L}\p{N}]/u.test(w) && !/^\p{Script=Han}/u.test(w)).map(esc);
    const free = words.filter((w) => !/^[\p{L}\p{N}]/u.test(w) || /^\p{Script=Han}/u.test(w)).map(esc);
    const parts: string[] = [];
    // A word must also end at a boundary ("v" is not "von"), unless it ends in punctuation ("geb.").
    if (bounded.length > 0) parts.push(`(?<![\\p{L}\\p{N}])(?:${bounded.join('|')})(?![\\p{L}])`);
    if (free.length > 0) parts.push(`(?:${free.join('|')})`);
    this.re = new RegExp(parts.join('|'), 'iu');
  }

  /** End offset (in `text`) of the last word occurring in text[from, to), or -1. */
  lastEnd(text: string, from: number, to: number): number {
    const a = Math.max(0, from);
    const b = Math.min(to, text.length);
    if (b <= a) return -1;
    const g = new RegExp(this.re.source, 'giu');
    const window = text.slice(a, b);
    let end = -1;
    let m = g.exec(window);
    while (m !== null) {
      end = a + m.index + m[0].length;
      if (m[0].length === 0) g.lastIndex++;
      m = g.exec(window);
    }
    return end;
  }

  /** True when a word occurs in text[from, to). */
  inRange(text: string, from: number, to: number): boolean {
    const a = Math.max(from, 0);
    const b = Math.min(to, text.length);
    if (b <= a) return false;
    return this.re.test(text.slice(a, b));
  }

  /** True when a word occurs in the `before` units before `start` or the `after` units after `end`. */
  near(text: string, start: number, end: number, before = CONTEXT_WINDOW, after = 16): boolean {
    return this.inRange(text, start - before, start) || (after > 0 && this.inRange(text, end, end + after));
  }
}
