import type { Finding } from '../../core/findings.js';
import { resolveOverlaps } from '../text/overlap.js';
import type { DetectContext, Detector } from '../types.js';
import { creditCardDetector } from './credit-card.js';
import { dateOfBirthDetector } from './date-of-birth.js';
import { emailDetector } from './email.js';
import { ibanDetector } from './iban.js';
import { ipAddressDetector } from './ip-address.js';
import { brCpfDetector } from './national-ids/br-cpf.js';
import { cnResidentIdDetector } from './national-ids/cn-resident-id.js';
import { deTaxIdDetector } from './national-ids/de-tax-id.js';
import { esDniDetector } from './national-ids/es-dni.js';
import { frNirDetector } from './national-ids/fr-nir.js';
import { inAadhaarDetector } from './national-ids/in-aadhaar.js';
import { itFiscalCodeDetector } from './national-ids/it-fiscal-code.js';
import { nlBsnDetector } from './national-ids/nl-bsn.js';
import { plPeselDetector } from './national-ids/pl-pesel.js';
import { sePersonnummerDetector } from './national-ids/se-personnummer.js';
import { ukNinoDetector } from './national-ids/uk-nino.js';
import { passportDetector } from './passport.js';
import { personNameDetector } from './person-name.js';
import { phoneDetector } from './phone.js';
import { streetAddressDetector } from './street-address.js';
import { usSsnDetector } from './us-ssn.js';

/**
 * Every pii detector, in evaluation order: checksum-validated identifiers first, so that when two detectors
 * claim the same digits (a CN id that is also 18 digits, an SSN that is also 9 digits) the engine's overlap
 * resolution can prefer the earlier, more specific one.
 */
export const piiDetectors: readonly Detector[] = [
  emailDetector,
  creditCardDetector,
  ibanDetector,
  cnResidentIdDetector,
  ukNinoDetector,
  frNirDetector,
  itFiscalCodeDetector,
  esDniDetector,
  brCpfDetector,
  inAadhaarDetector,
  sePersonnummerDetector,
  deTaxIdDetector,
  plPeselDetector,
  nlBsnDetector,
  usSsnDetector,
  phoneDetector,
  ipAddressDetector,
  dateOfBirthDetector,
  passportDetector,
  personNameDetector,
  streetAddressDetector,
];

const PRIORITY: ReadonlyMap<string, number> = new Map(piiDetectors.map((d, i) => [d.name, i]));

/**
 * Runs every pii detector and resolves overlapping claims (higher score, then earlier detector wins), so each
 * region of text is reported once. The guard engine may instead call the detectors one by one.
 */
export function detectPii(text: string, ctx: DetectContext): Finding[] {
  const all: Finding[] = [];
  for (const d of piiDetectors) {
    const found = d.detect(text, ctx);
    for (const f of found) all.push(f);
  }
  return resolveOverlaps(all, PRIORITY);
}
