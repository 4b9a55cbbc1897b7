import type { Finding } from '../../core/findings.js';
import { hasDigits } from '../text/chars.js';
import { luhnValid } from '../text/checksums.js';
import { ContextWords } from '../text/context.js';
import { forEachMatchInRuns } from '../text/digit-runs.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Payment card numbers (PANs): 12–19 digits, optionally grouped by spaces or dashes, that pass Luhn and match
 * an issuer's prefix and length (ISO/IEC 7812 IIN ranges as the schemes publish them). Luhn alone lets one
 * random number in ten through; the issuer table and consistent grouping remove most of the rest.
 */

// Each repetition consumes one digit; bounded, so linear.
// A comma before is allowed (CSV cells); a comma after a digit group is a thousands separator.
const CANDIDATE = /(?<![\d.\-/])\d(?:[ -]?\d){11,18}(?![\d]|[.,\-/]\d)/g;

interface Issuer {
  readonly name: string;
  readonly test: (d: string) => boolean;
  readonly lengths: readonly number[];
}

function prefixIn(d: string, len: number, lo: number, hi: number): boolean {
  const p = Number(d.slice(0, len));
  return p >= lo && p <= hi;
}

const ISSUERS: readonly Issuer[] = [
  { name: 'visa', test: (d) => d[0] === '4', lengths: [13, 16, 19] },
  { name: 'mastercard', test: (d) => prefixIn(d, 2, 51, 55) || prefixIn(d, 4, 2221, 2720), lengths: [16] },
  { name: 'amex', test: (d) => d.startsWith('34') || d.startsWith('37'), lengths: [15] },
  {
    name: 'discover',
    test: (d) =>
      d.startsWith('6011') || d.startsWith('65') || prefixIn(d, 3, 644, 649) || prefixIn(d, 6, 622126, 622925),
    lengths: [16, 17, 18, 19],
  },
  { name: 'jcb', test: (d) => prefixIn(d, 4, 3528, 3589), lengths: [16, 17, 18, 19] },
  { name: 'jcb15', test: (d) => d.startsWith('2131') || d.startsWith('1800'), lengths: [15] },
  {
    name: 'diners',
    test: (d) => prefixIn(d, 3, 300, 305) || d.startsWith('36') || d.startsWith('38') || d.startsWith('39'),
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: 'unionpay', test: (d) => d.startsWith('62') || d.startsWith('81'), lengths: [16, 17, 18, 19] },
  { name: 'maestro', test: (d) => /^(?:50|5[6-9]|6\d)/.test(d), lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { name: 'mir', test: (d) => prefixIn(d, 4, 2200, 2204), lengths: [16, 17, 18, 19] },
  { name: 'rupay', test: (d) => /^(?:60|65|81|82|508|353|356)/.test(d), lengths: [16] },
];

/** Scheme test numbers published in payment docs: still card-shaped, but reported with a low score. */
const TEST_NUMBERS = new Set([
  '4111111111111111',
  '4242424242424242',
  '4012888888881881',
  '4000056655665556',
  '5555555555554444',
  '5105105105105100',
  '2223003122003222',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
]);

const IBAN_HEAD = /[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){0,2} $/;

const CONTEXT = new ContextWords([
  'card',
  'credit',
  'debit',
  'visa',
  'mastercard',
  'amex',
  'american express',
  'discover',
  'jcb',
  'diners',
  'unionpay',
  'maestro',
  'pan',
  'cc',
  'payment',
  'pay',
  'charge',
  'billing',
  'kreditkarte',
  'karte',
  'karten',
  'kartennummer',
  'carte',
  'bancaire',
  'cb',
  'tarjeta',
  'crédito',
  'credito',
  'débito',
  '信用卡',
  '银行卡',
  '卡号',
]);

const NEGATIVE = new ContextWords([
  'order',
  'invoice',
  'tracking',
  'ref',
  'reference',
  'transaction',
  'txn',
  'id',
  'imei',
  'serial',
  'account',
  'iban',
  'bestellung',
  'rechnung',
  'commande',
  'pedido',
  '订单',
  'timestamp',
  'epoch',
  'isbn',
]);

/** Groups must be consistent: one separator kind and a known grouping, or no separators at all. */
function groupingOk(raw: string): boolean {
  const hasSpace = raw.includes(' ');
  const hasDash = raw.includes('-');
  if (!hasSpace && !hasDash) return true;
  if (hasSpace && hasDash) return false;
  const groups = raw.split(hasSpace ? ' ' : '-').map((g) => g.length);
  const shape = groups.join('-');
  return (
    /^4-4-4-4(?:-[1-3])?$/.test(shape) ||
    shape === '4-6-5' ||
    shape === '4-6-4' ||
    shape === '4-4-4-2' ||
    shape === '4-4-4-1' ||
    shape === '4-4-5' ||
    shape === '4-4-4-4-3' ||
    shape === '6-13' ||
    shape === '4-4-4'
  );
}

export const creditCardDetector: Detector = {
  name: 'pii.credit_card',
  category: 'pii',
  defaultAction: 'redact',
  description: 'Payment card numbers that pass Luhn and match an issuer prefix and length.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 12)) return [];
    const out: Finding[] = [];
    forEachMatchInRuns(CANDIDATE, text, 12, (m) => {
      const raw = m[0];
      const digits = raw.replace(/[ -]/g, '');
      if (!groupingOk(raw) || !luhnValid(digits)) return;
      if (/^(\d)\1+$/.test(digits)) return; // 0000… passes Luhn; never a card
      const issuer = ISSUERS.find((i) => i.test(digits) && i.lengths.includes(digits.length));
      if (issuer === undefined) return;
      const start = m.index;
      const end = start + raw.length;
      const context = CONTEXT.near(text, start, end, 48, 16);
      if (!context && NEGATIVE.near(text, start, end, 24, 0)) return;
      // The tail of a printed IBAN ("GB93 CBDP 5062 1691 5056 81") is not a card.
      if (IBAN_HEAD.test(text.slice(Math.max(0, start - 16), start))) return;
      // 12-digit Maestro and bare (ungrouped) 13–14 digit numbers are common ids: require context.
      if (!context && digits.length < 15 && raw === digits) return;
      let score = context ? 1 : 0.9;
      if (TEST_NUMBERS.has(digits)) score = 0.6;
      out.push(spanFinding('pii.credit_card', 'pii', score, start, end, issuer.name));
    });
    return out;
  },
};
