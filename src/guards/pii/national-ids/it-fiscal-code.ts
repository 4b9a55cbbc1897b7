import { patternDetector } from '../pattern-detector.js';

/**
 * Italian codice fiscale: 6 letters (surname, name), year, month letter, day (+40 for women), municipality
 * code, check letter computed from odd/even position tables (DM 23/12/1976). Omocodia replaces digits by
 * letters LMNPQRSTUV; the pattern accepts them.
 */

const ODD: Record<string, number> = {};
const ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
for (let i = 0; i < 10; i++) ODD[String(i)] = ODD_VALUES[i]!;
for (let i = 0; i < 26; i++) ODD[String.fromCharCode(65 + i)] = ODD_VALUES[i]!;

function evenValue(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

export function itFiscalCodeValid(cf: string): boolean {
  const s = cf.toUpperCase();
  if (!/^[A-Z]{6}[\dLMNP-V]{2}[ABCDEHLMPRST][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? ODD[s[i]!]! : evenValue(s[i]!);
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

export const itFiscalCodeDetector = patternDetector({
  name: 'pii.it_fiscal_code',
  description: 'Italian fiscal codes (codice fiscale) with a valid check character.',
  // Upper case only: it is how the code is printed, and it keeps the scan off ordinary lowercase words.
  pattern: /(?<![A-Za-z0-9])[A-Z]{6}[\dLMNP-V]{2}[ABCDEHLMPRST][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z](?![A-Za-z0-9])/g,
  minDigits: 2,
  inDigitRuns: false,
  validate: (m) => itFiscalCodeValid(m[0]),
  context: ['codice fiscale', 'cod. fisc', 'c.f.', 'cf', 'fiscal code', 'tax code'],
  requireContext: false,
  score: [0.9, 1],
});
