import { weightedSum } from '../../text/checksums.js';
import { patternDetector } from '../pattern-detector.js';

/** Dutch citizen service number (BSN): 9 digits passing the "11-proef" (weights 9..2 and −1). Needs context. */

export function nlBsnValid(d: string): boolean {
  if (!/^\d{9}$/.test(d) || d === '000000000') return false;
  const sum = weightedSum(d.slice(0, 8), [9, 8, 7, 6, 5, 4, 3, 2]) - (d.charCodeAt(8) - 48);
  return sum > 0 && sum % 11 === 0;
}

export const nlBsnDetector = patternDetector({
  name: 'pii.nl_bsn',
  description: 'Dutch citizen service numbers (BSN) passing the 11-proof, near context words.',
  pattern: /(?<![\d.-])\d{4}[ .]?\d{2}[ .]?\d{3}(?![\d]|[.-]\d)/g,
  minDigits: 9,
  validate: (m) => nlBsnValid(m[0].replace(/[ .]/g, '')),
  context: ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi', 'citizen service number'],
  requireContext: true,
  score: [0.6, 0.9],
});
