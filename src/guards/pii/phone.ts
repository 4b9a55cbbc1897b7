import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Finding } from '../../core/findings.js';
import { digitsOnly, hasDigits } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { forEachMatchInRuns } from '../text/digit-runs.js';
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
  /(?<![\w+@#/.\-=:])(?:\+|00)?(?:\(\d{1,4}\)|\d)(?:[ \t.\-/]?(?:\(\d{1,5}\)|\d)){6,17}(?:[ \t]?(?:ext\.?|x|#)[ \t]?\d{1,5})?(?![\w@]|[.\-/]\d|:\w)/gi;

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
  'messages',
  'voicemail',
  'landline',
  'office',
  'reach me',
  'ring',
  'dial',
  'hotline',
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
  'teléfono',
  'telefono',
  'móvil',
  'movil',
  'celular',
  'llamar',
  'llame',
  '电话',
  '手机',
  '联系',
  '致电',
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
  'passport',
  'passeport',
  'pasaporte',
  'reisepass',
  'reisepassnummer',
  '护照',
  'bsn',
  'pesel',
  'aadhaar',
  'cpf',
  'dni',
  'steuer-id',
  'personnummer',
]);

const STRONG_NANP = /^(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[-.])\d{3}[-.]\d{4}$/;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:$|[ T])/;
const IPV4_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function stripExtension(s: string): string {
  const m = /[ \t]?(?:ext\.?|x|#)[ \t]?\d{1,5}$/i.exec(s);
  return m ? s.slice(0, m.index) : s;
}

/**
 * libphonenumber compiles its metadata patterns on every call (about 0.1–0.2 ms a parse), so results are
 * memoised: the same numbers come back in every turn of a conversation, which is resent with each request.
 */
const CACHE_MAX = 512;
const validCache = new Map<string, boolean>();

function validIn(body: string, country?: CountryCode): boolean {
  const key = `${country ?? '+'}|${body}`;
  let v = validCache.get(key);
  if (v === undefined) {
    v = parsePhoneNumberFromString(body, country)?.isValid() === true;
    if (validCache.size >= CACHE_MAX) validCache.delete(validCache.keys().next().value!);
    validCache.set(key, v);
  }
  return v;
}

/** NANP rules (area and exchange codes start 2–9, not N11): checked here, without a metadata parse. */
function nanpPlausible(digits: string): boolean {
  const d = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  if (d.length !== 10) return false;
  const area = d.slice(0, 3);
  const exchange = d.slice(3, 6);
  return area[0]! >= '2' && area.slice(1) !== '11' && exchange[0]! >= '2' && exchange.slice(1) !== '11';
}

/** Three digit groups: two separators, or an area code in parentheses followed by one. */
const THREE_GROUPS = /^(?:\(\d{1,4}\)\s?\d+[ .-]\d+|\d+[ .-]\d+[ .-]\d+)$/;

/** Countries whose national numbers start with a trunk 0 and are commonly written grouped. */
const TRUNK_ZERO: readonly CountryCode[] = ['GB', 'DE', 'FR'];

/** Score for one candidate, or 0 to drop it. */
function scoreCandidate(text: string, raw: string, start: number, end: number): number {
  const body = stripExtension(raw);
  if (DATE_LIKE.test(body) || IPV4_LIKE.test(body)) return 0;
  const digits = digitsOnly(body);
  if (digits.length < 7 || digits.length > 15) return 0;
  const international = body.startsWith('+') || (body.startsWith('00') && !body.startsWith('000'));
  if (international) {
    const e164 = `+${body.startsWith('+') ? body.slice(1) : body.slice(2)}`;
    const context = PHONE_CONTEXT.near(text, start, end, 40, 0);
    if (validIn(e164)) return context ? 0.95 : 0.85;
    return context && digits.length >= 9 ? 0.6 : 0;
  }
  const context = PHONE_CONTEXT.near(text, start, end, 40, 0);
  if (digits.length > 12) return 0;
  const strong = STRONG_NANP.test(body);
  // A nearer id word ("order", "ref", "Passport No:") outweighs a phone word further back.
  if (NEGATIVE_CONTEXT.near(text, start, end, 24, 0)) return 0;
  if (strong) return nanpPlausible(digits) ? (context ? 0.9 : 0.75) : context ? 0.5 : 0;
  // Separators are what make a national number readable; a bare run of digits needs context.
  const separated = body !== digits;
  if (!context) {
    // A phone word right after a number in three groups labels it ("416 60 039 office", "788-063-Office").
    if (separated && digits.length >= 8 && THREE_GROUPS.test(body) && PHONE_CONTEXT.near(text, start, end, 0, 12)) {
      return 0.5;
    }
    // Without context only grouped trunk-0 numbers ("020 7946 0958", "030 901820 11") are tried.
    if (!separated || digits[0] !== '0' || !/[ .-].*[ .-]/.test(body)) return 0;
    for (const country of TRUNK_ZERO) if (validIn(body, country)) return 0.6;
    return 0;
  }
  for (const country of DEFAULT_COUNTRIES) if (validIn(body, country)) return 0.85;
  // Faker-style and fictional numbers are invalid in every plan yet, next to "phone", clearly phone numbers:
  // ten digits or more with separators, or eight or nine written in three groups ("699 956 915", "(37) 788-063").
  if (!separated) return 0;
  if (digits.length >= 10) return 0.5;
  return digits.length >= 8 && THREE_GROUPS.test(body) ? 0.5 : 0;
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
    // Extensions ("x 12", "ext. 12") sit outside digit runs; a wide margin keeps them in view.
    forEachMatchInRuns(
      CANDIDATE,
      text,
      7,
      (m) => {
        const start = m.index;
        const end = start + m[0].length;
        const score = scoreCandidate(text, m[0], start, end);
        if (score > 0) out.push(spanFinding('pii.phone', 'pii', score, start, end));
      },
      10,
    );
    return out;
  },
};
