import type { Finding } from '../../core/findings.js';
import { hasDigits } from '../text/chars.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Passport numbers. Formats differ by country (US 9 digits or letter + 8, UK 9 digits, DE C + 8 alnum,
 * FR 2 digits 2 letters 5 digits, CN E/G + 8, ES 3 letters 6 digits) and none carries a check digit in
 * print, so a passport number is only reported right after a passport word: "passport no", "Reisepass",
 * "passeport", "pasaporte", "护照".
 */

const WORD =
  /(?<![\p{L}])(?:passport|pass\.?-?nr|reisepass(?:nummer)?|passeport|pasaporte|passaporto|paspoort|паспорт|护照|護照|旅券)/giu;

// A token of 6–9 letters/digits with at least 5 digits: the shape shared by the national formats above.
const TOKEN = /(?<![A-Za-z0-9])[A-Z0-9]{6,9}(?![A-Za-z0-9])/g;
const LOOKAHEAD = 40;

function plausible(tok: string): boolean {
  let digits = 0;
  for (let i = 0; i < tok.length; i++) if (tok.charCodeAt(i) <= 57) digits++;
  // Most formats are mostly digits; German ones (C + 8 of a letter/digit set) may have as few as two.
  if (/^C[CFGHJKLMNPRTVWXYZ0-9]{8}$/.test(tok)) return true; // German passport alphabet
  if (digits < 2 || (digits < 5 && tok.length < 8)) return false;
  if (/^(\d)\1+$/.test(tok)) return false;
  // A year or a date is not a passport number.
  return !/^(?:19|20)\d{2}$/.test(tok);
}

export const passportDetector: Detector = {
  name: 'pii.passport',
  category: 'pii',
  defaultAction: 'redact',
  description: 'Passport numbers following a passport word in one of several languages.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 1)) return [];
    const out: Finding[] = [];
    WORD.lastIndex = 0;
    let w = WORD.exec(text);
    let floor = 0;
    while (w !== null) {
      const from = Math.max(floor, w.index + w[0].length);
      const window = text.slice(from, from + LOOKAHEAD);
      TOKEN.lastIndex = 0;
      let t = TOKEN.exec(window);
      while (t !== null) {
        if (plausible(t[0])) {
          const start = from + t.index;
          const end = start + t[0].length;
          out.push(spanFinding('pii.passport', 'pii', 0.85, start, end));
          floor = end;
          break;
        }
        t = TOKEN.exec(window);
      }
      WORD.lastIndex = Math.max(WORD.lastIndex, floor);
      w = WORD.exec(text);
    }
    return out;
  },
};
