/**
 * Cyrillic and Greek letters that render like Latin ones (lower case; the text is lower-cased first).
 * A subset of Unicode's confusables.txt (UTS #39) restricted to single letters that attackers use to
 * dodge keyword filters. Only applied to words that mix scripts, so genuine Russian or Greek survives.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  // Latin look-alikes outside ASCII that NFKC keeps
  ı: 'i',
  ɡ: 'g',
  ɑ: 'a',
  ʟ: 'l',
};

export function isConfusable(ch: string): boolean {
  return CONFUSABLES[ch] !== undefined;
}

export function foldConfusable(word: string): string {
  let out = '';
  for (const ch of word) out += CONFUSABLES[ch] ?? ch;
  return out;
}
