import { describe, expect, it } from 'vitest';
import { ibanDetector, ibanValid } from '../../../src/guards/pii/iban.js';
import { found, values } from './helpers.js';

describe('pii.iban', () => {
  it('finds printed and compact IBANs with exact spans', () => {
    expect(found(ibanDetector, 'IBAN: DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX')).toEqual([
      ['pii.iban', 'DE89 3704 0044 0532 0130 00', 6],
    ]);
    expect(values(ibanDetector, 'GB82WEST12345698765432')).toEqual(['GB82WEST12345698765432']);
    expect(values(ibanDetector, 'FR14 2004 1010 0505 0001 3M02 606')).toEqual(['FR14 2004 1010 0505 0001 3M02 606']);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    expect(found(ibanDetector, '🏦 NL91ABNA0417164300')).toEqual([['pii.iban', 'NL91ABNA0417164300', 3]]);
  });
  it('rejects wrong check digits, wrong lengths and unknown countries', () => {
    expect(ibanValid('DE88370400440532013000')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
    expect(values(ibanDetector, 'ZZ89 3704 0044 0532 0130 00')).toEqual([]);
    expect(values(ibanDetector, 'DE89 3704 0044 0532 0130 01')).toEqual([]);
  });
});
