import { patternDetector } from '../pattern-detector.js';

/**
 * French social security number (NIR, numéro INSEE): sex 1/2 (3/4/7/8 for provisional), year, month (01–12 or
 * 20–42/50+ for unknown), department (2A/2B for Corsica), commune, order, then a key = 97 − (number mod 97),
 * where 2A/2B count as 19/18. Usually written "1 85 05 78 006 084 36".
 */

export function frNirValid(compact: string): boolean {
  const m = /^([1-478])(\d{2})(\d{2})(\d{2}|2[AB])(\d{3})(\d{3})(\d{2})$/i.exec(compact);
  if (m === null) return false;
  const month = Number(m[3]);
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  let dept = m[4]!.toUpperCase();
  if (dept === '2A') dept = '19';
  else if (dept === '2B') dept = '18';
  const body = BigInt(`${m[1]}${m[2]}${m[3]}${dept}${m[5]}${m[6]}`);
  const key = 97n - (body % 97n);
  return key === BigInt(m[7]!);
}

export const frNirDetector = patternDetector({
  name: 'pii.fr_nir',
  description: 'French social security numbers (NIR) with a valid key.',
  pattern: /(?<![\dA-Za-z])[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}(?![\dA-Za-z])/g,
  minDigits: 13,
  inDigitRuns: false,
  validate: (m) => frNirValid(m[0].replace(/ /g, '')),
  context: [
    'sécurité sociale',
    'securite sociale',
    'numéro de sécu',
    'sécu',
    'insee',
    'nir',
    'social security',
    'carte vitale',
  ],
  requireContext: false,
  score: [0.85, 0.95],
});
