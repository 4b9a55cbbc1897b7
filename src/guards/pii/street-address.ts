import type { Finding } from '../../core/findings.js';
import { forEachMatch, hasDigits } from '../text/chars.js';
import { digitRuns } from '../text/digit-runs.js';
import { spanFinding } from '../text/finding.js';
import { keywordGate } from '../text/lower.js';
import type { Detector } from '../types.js';
import { findAddressParts } from './address-parts.js';

/**
 * Street addresses, best effort with high precision: a house number and a street type word are both
 * required (English "221 Baker Street", German "Hauptstraße 5", French "12 rue de la Paix", Spanish
 * "Calle Mayor 10", Chinese "…路88号"), optionally followed by unit, city, state and postcode.
 */

const W = "\\p{Lu}[\\p{L}'\\-]{0,20}";
const EN_SUFFIX =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Square|Sq|Highway|Hwy|Trail|Trl|Crescent|Close|Grove|Park|Row|Mews|Walk|Hill|Gardens|Pike|Loop|Alley|Path|Plaza|Crossing|Expressway|Freeway|Turnpike|Route|Heights|Ridge|Valley|View|Point|Port|Pass|Junction|Station|Bypass|Via)';
const UNIT = '(?:,?[ ](?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Fl\\.?|Floor|#)[ ]?[A-Za-z0-9\\-]{1,6})?';
const CITY_TAIL = `(?:,[ ]${W}(?:[ ]${W}){0,2}(?:,[ ][A-Z]{2})?(?:[ ]\\d{5}(?:-\\d{4})?)?)?`;

const EN = new RegExp(
  `(?<![\\w])\\d{1,6}[A-Za-z]?[ ](?:[NSEW]\\.?[ ])?(?:${W}[ ]){1,3}${EN_SUFFIX}\\.?(?![\\p{L}])${UNIT}${CITY_TAIL}`,
  'uy',
);
const DE = new RegExp(
  `(?<![\\p{L}])[\\p{Lu}][\\p{L}\\-]{1,30}(?:straße|strasse|str\\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)[ ]\\d{1,4}[a-z]?(?:,[ ]\\d{5}[ ]${W})?(?![\\p{L}\\d])`,
  'uy',
);
const FR = new RegExp(
  `(?<![\\w])\\d{1,4}(?:[ ]?bis|[ ]?ter)?,?[ ](?:rue|avenue|av\\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours)[ ](?:(?:de|du|des|de[ ]la|d'|l')[ ]?)?${W}(?:[ ](?:de|du|des|la|le)?[ ]?${W}){0,3}(?:,[ ]\\d{5}[ ]${W})?`,
  'uy',
);
const ES = new RegExp(
  `(?<![\\p{L}])(?:Calle|C/|Avenida|Avda\\.|Av\\.|Plaza|Pza\\.|Paseo|Camino|Carrera|Ronda)[ ](?:(?:de|del|de[ ]la)[ ])?${W}(?:[ ](?:de[ ]|del[ ])?${W}){0,3},?[ ](?:n[ºo°][ ]?)?\\d{1,4}(?:,[ ]\\d{5}[ ]${W})?`,
  'gu',
);
const ZH = /\p{Script=Han}{2,12}(?:路|街|道|大道|巷|胡同)\d{1,5}号(?:\d{1,4}室)?/gu;

const DE_SUFFIX = /(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)$/;
const hasSpanishStreetWord = keywordGate([
  'calle',
  'c/',
  'avenida',
  'avda',
  'av.',
  'plaza',
  'pza',
  'paseo',
  'camino',
  'carrera',
  'ronda',
]);

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\-.]/u.test(c);
}

/**
 * Every address form but the Spanish and Chinese ones has its house number next to the start: English and
 * French put it first, German right after the street word. So the scan visits digit runs and tries sticky
 * patterns there, instead of running each pattern over the whole text.
 */
function scanFromRuns(text: string, emit: (start: number, end: number) => void): void {
  for (const run of digitRuns(text)) {
    let at = run.start;
    if (text[at] === '(' || text[at] === '+') at++;
    // A run may join a postcode or a second number to the house number ("0538 15 Millicent Drive",
    // "638 2229 Wolmarans St"): the street patterns are tried at every number of the run, first match wins.
    for (let from = at; from >= 0 && from < run.end; ) {
      let matched = false;
      for (const re of [EN, FR]) {
        re.lastIndex = from;
        const m = re.exec(text);
        if (m !== null) {
          emit(from, from + m[0].length);
          matched = true;
          break;
        }
      }
      if (matched) break;
      // The next number of the run: a space inside it (searched within the run only, so the scan stays linear).
      let space = from;
      while (space < run.end && text.charCodeAt(space) !== 32) space++;
      from = space + 1 >= run.end ? -1 : space + 1;
    }
    // German: "<Name>straße 5" — the street word ends one space before the number.
    if (at > 2 && text[at - 1] === ' ') {
      let k = at - 1;
      while (k > 0 && at - 1 - k < 40 && isWordChar(text[k - 1])) k--;
      const word = text.slice(k, at - 1);
      if (DE_SUFFIX.test(word.toLowerCase())) {
        DE.lastIndex = k;
        const m = DE.exec(text);
        if (m !== null) emit(k, k + m[0].length);
      }
    }
  }
}

export const streetAddressDetector: Detector = {
  name: 'pii.street_address',
  category: 'pii',
  defaultAction: 'redact',
  description:
    'Street addresses with a house number and street type (English, German, French, Spanish, Chinese); best effort.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 1)) return [];
    const out: Finding[] = [];
    const emit = (start: number, end: number): void => {
      out.push(spanFinding('pii.street_address', 'pii', 0.7, start, end));
    };
    scanFromRuns(text, emit);
    if (hasSpanishStreetWord(text)) forEachMatch(ES, text, (m) => emit(m.index, m.index + m[0].length));
    if (text.includes('号')) forEachMatch(ZH, text, (m) => emit(m.index, m.index + m[0].length));
    // Boxes, military mail, building units and streets named by non-English street words (address-parts.ts),
    // where no street pattern above already covers them.
    const found = out.length;
    for (const [start, end] of findAddressParts(text)) {
      let covered = false;
      for (let i = 0; i < found && !covered; i++) covered = out[i]!.start! < end && start < out[i]!.end!;
      if (!covered) emit(start, end);
    }
    out.sort((x, y) => x.start! - y.start!);
    return out;
  },
};
