import { describe, expect, it } from 'vitest';
import {
  base62,
  crc32,
  iso7064Mod11_10Valid,
  luhnValid,
  mod97,
  verhoeffCheckDigit,
  verhoeffValid,
  weightedSum,
} from '../../../src/guards/text/checksums.js';

describe('luhnValid', () => {
  it('accepts published test card numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('79927398713')).toBe(true); // the worked example of ISO/IEC 7812
  });
  it('rejects a changed digit, non-digits and empty input', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('4111-1111')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('mod97', () => {
  it('gives 1 for valid IBANs rearranged as ISO 13616 prescribes', () => {
    // DE89 3704 0044 0532 0130 00 → BBAN + "DE89"
    expect(mod97('370400440532013000DE89')).toBe(1);
    expect(mod97('WEST12345698765432GB82')).toBe(1);
  });
  it('gives another remainder for a changed check digit and -1 for invalid characters', () => {
    expect(mod97('370400440532013000DE88')).not.toBe(1);
    expect(mod97('3704-0044')).toBe(-1);
  });
});

describe('verhoeff', () => {
  it('matches the worked examples (236 → 3, 12345 → 1)', () => {
    expect(verhoeffCheckDigit('236')).toBe(3);
    expect(verhoeffCheckDigit('12345')).toBe(1);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('123451')).toBe(true);
  });
  it('rejects a transposition and non-digits', () => {
    expect(verhoeffValid('2336')).toBe(false);
    expect(verhoeffValid('12a451')).toBe(false);
  });
});

describe('iso7064Mod11_10Valid', () => {
  it('accepts the German tax id example 86095742719 and rejects a changed check digit', () => {
    expect(iso7064Mod11_10Valid('86095742719')).toBe(true);
    expect(iso7064Mod11_10Valid('86095742718')).toBe(false);
  });
});

describe('crc32 and base62', () => {
  it('computes the IEEE CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926); // the standard check value of CRC-32/ISO-HDLC
    expect(crc32('')).toBe(0);
  });
  it('encodes base62 with left padding', () => {
    expect(base62(0, 6)).toBe('000000');
    expect(base62(61, 2)).toBe('0z');
    expect(base62(62, 1)).toBe('10');
  });
});

describe('weightedSum', () => {
  it('sums digit × weight and reports -1 for a non-digit', () => {
    expect(weightedSum('123', [3, 2, 1])).toBe(3 + 4 + 3);
    expect(weightedSum('1x3', [1, 1, 1])).toBe(-1);
  });
});
