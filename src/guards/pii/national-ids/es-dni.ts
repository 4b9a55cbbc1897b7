import { patternDetector } from '../pattern-detector.js';

/** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter); the letter is the number mod 23. */

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export function esDniValid(compact: string): boolean {
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(compact.toUpperCase());
  if (m === null) return false;
  const prefix = m[1]!;
  if ((prefix === '' && m[2]!.length !== 8) || (prefix !== '' && m[2]!.length !== 7)) return false;
  const n = Number(`${prefix === '' ? '' : 'XYZ'.indexOf(prefix)}${m[2]}`);
  return LETTERS[n % 23] === m[3]!.toUpperCase();
}

export const esDniDetector = patternDetector({
  name: 'pii.es_dni',
  description: 'Spanish national identity numbers (DNI) and foreigner numbers (NIE) with a valid control letter.',
  pattern: /(?<![\dA-Za-z])(?:[XYZ][ -]?\d{7}|\d{8})[ -]?[A-HJ-NP-TV-Z](?![\dA-Za-z])/g,
  minDigits: 7,
  validate: (m) => esDniValid(m[0].replace(/[ -]/g, '')),
  context: ['dni', 'nie', 'nif', 'documento nacional', 'identidad', 'extranjero', 'id card', 'ausweis'],
  requireContext: false,
  score: [0.8, 0.95],
});
