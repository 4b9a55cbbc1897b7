import { patternDetector } from '../pattern-detector.js';

/**
 * UK National Insurance number: two prefix letters, six digits, suffix A–D (HMRC NIM39110). First letter not
 * D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; prefixes BG, GB, KN, NK, NT, TN, ZZ never allocated.
 */

const BANNED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export function ukNinoValid(compact: string): boolean {
  return /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact) && !BANNED.has(compact.slice(0, 2));
}

export const ukNinoDetector = patternDetector({
  name: 'pii.uk_nino',
  description: 'UK National Insurance numbers with valid prefix letters and suffix.',
  pattern: /(?<![A-Za-z0-9])([A-Za-z]{2})( ?)(\d{2})\2(\d{2})\2(\d{2})\2([A-Da-d])(?![A-Za-z0-9])/g,
  minDigits: 6,
  inDigitRuns: false,
  validate: (m) => ukNinoValid(m[0].replace(/ /g, '').toUpperCase()) && m[0] === m[0].toUpperCase(),
  context: ['national insurance', 'nino', 'ni number', 'ni no', 'nin', 'insurance number', 'hmrc'],
  requireContext: false,
  score: [0.85, 0.95],
});
