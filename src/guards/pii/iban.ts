import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { mod97 } from '../text/checksums.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * IBANs (ISO 13616): country code, two check digits, BBAN; compact or printed in groups of four. Valid only
 * when the length matches the country's registry entry and the ISO 7064 MOD 97-10 check gives 1.
 */

/** IBAN lengths by country, from the SWIFT IBAN registry. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

// Compact, or groups of four separated by single spaces (the printed form); bounded repetitions.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

export function ibanValid(compact: string): boolean {
  const len = IBAN_LENGTHS[compact.slice(0, 2)];
  if (len === undefined || compact.length !== len) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

export const ibanDetector: Detector = {
  name: 'pii.iban',
  category: 'pii',
  defaultAction: 'redact',
  description: 'International bank account numbers (IBAN) with a valid country length and MOD 97 check.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    forEachMatch(CANDIDATE, text, (m) => {
      let raw = m[0];
      let compact = raw.replace(/ /g, '');
      // The optional tail may have swallowed a following word's start ("… 00 BIC"); retry without it.
      if (!ibanValid(compact)) {
        const lastSpace = raw.lastIndexOf(' ');
        if (lastSpace <= 0) return;
        raw = raw.slice(0, lastSpace);
        compact = raw.replace(/ /g, '');
        if (!ibanValid(compact)) return;
      }
      out.push(spanFinding('pii.iban', 'pii', 0.95, m.index, m.index + raw.length));
    });
    return out;
  },
};
