import { KeywordIndex } from './keyword-index.js';

/**
 * The lowercase form of the text being scanned, computed once per text and shared by every detector's
 * keyword prefilter (detectors run one after another on the same string).
 */
let lastText = '';
let lastLower = '';

export function lowerOf(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastLower = text.toLowerCase();
  }
  return lastLower;
}

/**
 * A gate for one detector: whether any of `words` (lowercase) occurs in the text, by one indexed pass
 * rather than one `includes` per word.
 */
export function keywordGate(words: readonly string[]): (text: string) => boolean {
  const index = new KeywordIndex([words]);
  return (text) => index.hits(lowerOf(text))[0] === 1;
}

/** Whether any of `needles` (lowercase) occurs in the text. */
export function includesAny(text: string, needles: readonly string[]): boolean {
  const lower = lowerOf(text);
  for (const n of needles) if (lower.includes(n)) return true;
  return false;
}
