import { weightedSum } from '../../text/checksums.js';
import { patternDetector, realDate } from '../pattern-detector.js';

/**
 * Poland PESEL: YYMMDD (month + 20 for 2000s, +80 for 1800s), serial, check = (10 − Σ w·d mod 10) mod 10
 * with weights 1,3,7,9. Eleven digits are also phone numbers, so context is required.
 */

export function peselValid(d: string): boolean {
  if (!/^\d{11}$/.test(d)) return false;
  let month = Number(d.slice(2, 4));
  let century = 1900;
  if (month > 80) {
    century = 1800;
    month -= 80;
  } else if (month > 20) {
    century = 2000;
    month -= 20;
  }
  const year = century + Number(d.slice(0, 2));
  if (year < 1900 || !realDate(year, month, Number(d.slice(4, 6)))) return false;
  const sum = weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
  return (10 - (sum % 10)) % 10 === d.charCodeAt(10) - 48;
}

export const plPeselDetector = patternDetector({
  name: 'pii.pl_pesel',
  description: 'Polish national identification numbers (PESEL) with valid date and check digit, near context words.',
  pattern: /(?<![\d])\d{11}(?![\d])/g,
  minDigits: 11,
  validate: (m) => peselValid(m[0]),
  context: ['pesel', 'numer identyfikacyjny', 'national id'],
  requireContext: true,
  score: [0.6, 0.95],
});
