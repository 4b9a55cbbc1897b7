import { iso7064Mod11_10Valid } from '../../text/checksums.js';
import { patternDetector } from '../pattern-detector.js';

/**
 * German tax identification number (Steuerliche Identifikationsnummer, § 139b AO): 11 digits, first not 0,
 * in the first ten digits exactly one digit repeated (twice, or three times since 2016) and check digit by
 * ISO 7064 MOD 11,10. Eleven digits are also phone numbers, so context words are required.
 */

export function deTaxIdValid(d: string): boolean {
  if (!/^[1-9]\d{10}$/.test(d)) return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[d.charCodeAt(i) - 48]!++;
  const repeated = counts.filter((c) => c > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  return iso7064Mod11_10Valid(d);
}

export const deTaxIdDetector = patternDetector({
  name: 'pii.de_tax_id',
  description: 'German tax ID (Steuer-IdNr) with ISO 7064 check digit, near context words.',
  pattern: /(?<![\d])(\d{2}) ?(\d{3}) ?(\d{3}) ?(\d{3})(?![\d])/g,
  minDigits: 11,
  validate: (m) => deTaxIdValid(m[0].replace(/ /g, '')),
  context: [
    'steuer-id',
    'steuerid',
    'steuer-idnr',
    'steueridentifikationsnummer',
    'identifikationsnummer',
    'idnr',
    'steuernummer',
    'tax id',
    'tin',
  ],
  requireContext: true,
  score: [0.6, 0.9],
});
