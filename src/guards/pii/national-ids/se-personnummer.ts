import { luhnValid } from '../../text/checksums.js';
import { patternDetector, realDate } from '../pattern-detector.js';

/**
 * Swedish personnummer: (YY)YYMMDD, '-' (or '+' over 100), four digits whose last is a Luhn check over the
 * ten-digit form. Day + 60 marks a samordningsnummer. The separator form stands alone; bare digits need context.
 */

export function personnummerValid(raw: string): boolean {
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$/.exec(raw);
  if (m === null) return false;
  const yy = Number(m[2]);
  const year =
    m[1] !== undefined ? Number(m[1] + m[2]) : yy <= new Date().getUTCFullYear() % 100 ? 2000 + yy : 1900 + yy;
  let day = Number(m[4]);
  if (day > 60) day -= 60;
  if (!realDate(year, Number(m[3]), day)) return false;
  return luhnValid(`${m[2]}${m[3]}${m[4]}${m[5]}`);
}

export const sePersonnummerDetector = patternDetector({
  name: 'pii.se_personnummer',
  description: 'Swedish personal identity numbers with valid date and Luhn check digit.',
  pattern: /(?<![\d-])(?:19|20)?\d{6}([-+]?)\d{4}(?![\d]|-\d)/g,
  minDigits: 10,
  validate: (m) => personnummerValid(m[0]),
  context: ['personnummer', 'personnr', 'samordningsnummer', 'person number', 'personal identity number'],
  requireContext: (m) => m[1] === '',
  score: [0.8, 0.95],
});
