import { verhoeffValid } from '../../text/checksums.js';
import { patternDetector } from '../pattern-detector.js';

/**
 * India Aadhaar: 12 digits, first 2–9, Verhoeff check digit (UIDAI). Printed as "2345 6789 0123"; the
 * grouped form stands alone, an ungrouped run of 12 digits needs context.
 */

export function aadhaarValid(d: string): boolean {
  return /^[2-9]\d{11}$/.test(d) && !/^(\d)\1+$/.test(d) && verhoeffValid(d);
}

export const inAadhaarDetector = patternDetector({
  name: 'pii.in_aadhaar',
  description: 'Indian Aadhaar numbers with a valid Verhoeff check digit.',
  // Not preceded by a digit group either: the last 12 digits of a grouped card are not an Aadhaar.
  pattern: /(?<![\d-]|\d[ -])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\d]|[ -]\d)/g,
  minDigits: 12,
  validate: (m) => aadhaarValid(m[0].replace(/[ -]/g, '')),
  context: ['aadhaar', 'aadhar', 'uidai', 'uid', 'आधार'],
  requireContext: (m) => m[1] === '',
  score: [0.7, 0.95],
});
