import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Finding } from '../../core/findings.js';
import { digitsOnly, forEachMatch, hasDigits } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Phone numbers. A cheap candidate scan (digits with the separators people type) is validated with
 * libphonenumber's full metadata. Numbers written internationally (+CC / 00CC) need only be valid. National
 * formats have no country, so we accept them only when context words ("phone", "Tel.", "电话", …) are near
 * or when the formatting is unmistakably a phone number (`(415) 555-2671`, `415-555-2671`), trying a fixed
 * list of default countries in order. Bare digit runs without context are numbers in code or ids: skipped.
 */

// Each repetition consumes at least one digit and the count is bounded, so the scan cannot blow up.
const CANDIDATE =
  /(?<![\w+@#/.\-=:])(?:\+|00)?(?:\(\d{1,4}\)|\d)(?:[ \t.\-/]?(?:\(\d{1,5}\)|\d)){6,17}(?:[ \t]?(?:ext\.?|x|#)[ \t]?\d{1,5})?(?![\w@]|[.\-/:]\d)/gi;

const DEFAULT_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'CN',
  'IN',
  'AU',
  'CA',
  'BR',
  'JP',
  'MX',
  'CH',
  'AT',
  'BE',
  'PL',
  'SE',
  'IE',
];

export const PHONE_CONTEXT = new ContextWords([
  'phone',
  'tel',
  'tel.',
  'telephone',
  'mobile',
  'cell',
  'call',
  'fax',
  'contact',
  'whatsapp',
  'sms',
  'text me',
  'reach me',
  'ring',
  'dial',
  'hotline',
  'number',
  'no.',
  'nr.',
  'telefon',
  'telefonnummer',
  'handy',
  'mobil',
  'rufnummer',
  'anrufen',
  'téléphone',
  'portable',
  'appelez',
  'appeler',
  'numéro',
  'teléfono',
  'telefono',
  'móvil',
  'movil',
  'celular',
  'llamar',
  'llame',
  'número',
  '电话',
  '手机',
  '联系',
  '致电',
  '号码',
  '電話',
]);

const NEGATIVE_CONTEXT = new ContextWords([
  'order',
  'invoice',
  'ticket',
  'tracking',
  'ref',
  'reference',
  'version',
  'build',
  'serial',
  'id',
  'isbn',
  'account',
  'acct',
  'iban',
  'card',
  'ssn',
  'bestellung',
  'rechnung',
  'commande',
  'facture',
  'pedido',
  'factura',
  '订单',
  'port',
  'pid',
  'uid',
  'timestamp',
  'epoch',
]);

const STRONG_NANP = /^(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[-.])\d{3}[-.]\d{4}$/;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:$|[ T])/;
const IPV4_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function stripExtension(s: string): string {
  const m = /[ \t]?(?:ext\.?|x|#)[ \t]?\d{1,5}$/i.exec(s);
  return m ? s.slice(0, m.index) : s;
}

/** Score for one candidate, or 0 to drop it. */
function scoreCandidate(text: string, raw: string, start: number, end: number): number {
  const body = stripExtension(raw);
  if (DATE_LIKE.test(body) || IPV4_LIKE.test(body)) return 0;
  const digits = digitsOnly(body);
  if (digits.length < 7 || digits.length > 15) return 0;
  const context = PHONE_CONTEXT.near(text, start, end, 40, 0);
  const international = body.startsWith('+') || (body.startsWith('00') && !body.startsWith('000'));
  if (international) {
    const p = parsePhoneNumberFromString(`+${body.startsWith('+') ? body.slice(1) : body.slice(2)}`);
    if (p === undefined) return 0;
    if (p.isValid()) return context ? 0.95 : 0.85;
    return context && p.isPossible() ? 0.6 : 0;
  }
  if (digits.length > 12) return 0;
  const strong = STRONG_NANP.test(body);
  if (!context && NEGATIVE_CONTEXT.near(text, start, end, 24, 0)) return 0;
  // Separators are what make a national number readable; a bare run of digits needs context.
  const separated = body !== digits;
  if (!context && !strong && !separated) return 0;
  for (const country of DEFAULT_COUNTRIES) {
    const p = parsePhoneNumberFromString(body, country);
    if (p?.isValid()) {
      if (context) return 0.85;
      if (strong) return 0.75;
      return separated && /[ .-].*[ .-]/.test(body) ? 0.6 : 0;
    }
  }
  // Faker-style and fictional numbers (555 exchanges) are invalid in every plan yet clearly phone numbers.
  if (context && (strong || separated) && digits.length >= 10) return 0.5;
  if (strong && digits.length === 10) return 0.5;
  return 0;
}

export const phoneDetector: Detector = {
  name: 'pii.phone',
  category: 'pii',
  defaultAction: 'redact',
  description:
    'Phone numbers: international (+CC) numbers valid in their numbering plan; national formats with context.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 7)) return [];
    const out: Finding[] = [];
    forEachMatch(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      const score = scoreCandidate(text, m[0], start, end);
      if (score > 0) out.push(spanFinding('pii.phone', 'pii', score, start, end));
    });
    return out;
  },
};
