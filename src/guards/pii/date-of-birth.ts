import type { Finding } from '../../core/findings.js';
import { forEachMatch, hasDigits } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { spanFinding } from '../text/finding.js';
import { keywordGate } from '../text/lower.js';
import type { Detector } from '../types.js';

/**
 * Dates of birth: a real calendar date with a birth word shortly before it ("DOB", "born on", "Geburtsdatum",
 * "né le", "fecha de nacimiento", "出生日期"). A date without such a word is just a date, and is not reported.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
  januar: 1,
  jänner: 1,
  februar: 2,
  märz: 3,
  mai: 5,
  juni: 6,
  juli: 7,
  oktober: 10,
  dezember: 12,
  janvier: 1,
  février: 2,
  fevrier: 2,
  mars: 3,
  avril: 4,
  juin: 6,
  juillet: 7,
  août: 8,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  décembre: 12,
  decembre: 12,
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  setiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
};
const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

// Numeric (d/m/y, m/d/y, y-m-d), "12 March 1985", "March 12, 1985", "12. März 1985", "12 de marzo de 1985",
// "1985年3月12日". All quantifiers bounded.
const DATE = new RegExp(
  [
    '(?<!\\d)(\\d{4})[-./](\\d{1,2})[-./](\\d{1,2})(?!\\d)',
    '(?<![\\d.])(\\d{1,2})[-./](\\d{1,2})[-./](\\d{4}|\\d{2})(?![\\d]|\\.\\d)',
    `(?<!\\d)(\\d{1,2})(?:st|nd|rd|th|er|\\.)?[ ](?:de[ ])?(${MONTH_ALT})\\.?,?[ ](?:de[ ])?(\\d{4})(?!\\d)`,
    `(?<![\\p{L}])(${MONTH_ALT})\\.?[ ](\\d{1,2})(?:st|nd|rd|th)?,?[ ](\\d{4})(?!\\d)`,
    '(\\d{4})年(\\d{1,2})月(\\d{1,2})[日号]',
  ].join('|'),
  'giu',
);

const CONTEXT = new ContextWords([
  'dob',
  'd.o.b',
  'd.o.b.',
  'date of birth',
  'birth date',
  'birthdate',
  'birthday',
  'born',
  'born on',
  'geburtsdatum',
  'geboren',
  'geb.',
  'geburtstag',
  'date de naissance',
  'né le',
  'née le',
  'né',
  'née',
  'naissance',
  'fecha de nacimiento',
  'nacido',
  'nacida',
  'nacimiento',
  'f. nac',
  'data di nascita',
  'nato',
  'nata',
  'geboortedatum',
  '出生日期',
  '出生于',
  '出生',
  '生日',
  '生年月日',
]);

/** Stems of the words above: if none occurs the date scan is skipped (most texts have no birth word). */
const STEMS = [
  'dob',
  'd.o.b',
  'birth',
  'born',
  'geb',
  'naiss',
  'né',
  'nacid',
  'nacimiento',
  'f. nac',
  'nascita',
  'nato',
  'nata',
  'geboorte',
  '出生',
  '生日',
  '生年月日',
];
const hasStem = keywordGate(STEMS);

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > new Date().getUTCFullYear()) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

function year2(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  // Two-digit years of birth: 00–(this year) are 2000s, the rest 1900s.
  const now = new Date().getUTCFullYear() % 100;
  return n <= now ? 2000 + n : 1900 + n;
}

function parsed(m: RegExpExecArray): boolean {
  const g = m.slice(1);
  if (g[0] !== undefined) return validDate(Number(g[0]), Number(g[1]), Number(g[2]));
  if (g[3] !== undefined) {
    const a = Number(g[3]);
    const b = Number(g[4]);
    const y = year2(g[5]!);
    return validDate(y, b, a) || validDate(y, a, b); // d/m/y or m/d/y
  }
  if (g[6] !== undefined) return validDate(Number(g[8]), MONTHS[g[7]!.toLowerCase()] ?? 0, Number(g[6]));
  if (g[9] !== undefined) return validDate(Number(g[11]), MONTHS[g[9]!.toLowerCase()] ?? 0, Number(g[10]));
  if (g[12] !== undefined) return validDate(Number(g[12]), Number(g[13]), Number(g[14]));
  return false;
}

export const dateOfBirthDetector: Detector = {
  name: 'pii.date_of_birth',
  category: 'pii',
  defaultAction: 'redact',
  description:
    'Dates of birth: valid dates preceded by birth words in English, German, French, Spanish, Italian, Dutch or Chinese.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 4) || !hasStem(text)) return [];
    const out: Finding[] = [];
    forEachMatch(DATE, text, (m) => {
      if (!parsed(m)) return;
      const start = m.index;
      const end = start + m[0].length;
      // The birth word must introduce this date: no other number (an earlier date) between them.
      const wordEnd = CONTEXT.lastEnd(text, start - 40, start);
      if (wordEnd !== -1 && !/\d/.test(text.slice(wordEnd, start)))
        out.push(spanFinding('pii.date_of_birth', 'pii', 0.9, start, end));
    });
    return out;
  },
};
