import { describe, expect, it } from 'vitest';
import { dateOfBirthDetector } from '../../../src/guards/pii/date-of-birth.js';
import { passportDetector } from '../../../src/guards/pii/passport.js';
import { found, values } from './helpers.js';

describe('pii.date_of_birth', () => {
  it('finds dates after birth words in several languages', () => {
    expect(found(dateOfBirthDetector, 'DOB: 12/03/1985')).toEqual([['pii.date_of_birth', '12/03/1985', 5]]);
    expect(values(dateOfBirthDetector, 'born on March 3, 1985 in Ohio')).toEqual(['March 3, 1985']);
    expect(values(dateOfBirthDetector, 'Geburtsdatum: 12. März 1985')).toEqual(['12. März 1985']);
    expect(values(dateOfBirthDetector, 'née le 4 juillet 1990')).toEqual(['4 juillet 1990']);
    expect(values(dateOfBirthDetector, 'fecha de nacimiento: 5 de mayo de 1978')).toEqual(['5 de mayo de 1978']);
    expect(values(dateOfBirthDetector, '出生日期：1985年3月12日')).toEqual(['1985年3月12日']);
    expect(values(dateOfBirthDetector, 'date of birth 1985-03-12')).toEqual(['1985-03-12']);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    expect(found(dateOfBirthDetector, '🎂 DOB 1985-03-12')).toEqual([['pii.date_of_birth', '1985-03-12', 7]]);
  });
  it('ignores dates without birth words and impossible dates', () => {
    expect(values(dateOfBirthDetector, 'meeting on 12/03/1985 and 2024-01-15')).toEqual([]);
    expect(values(dateOfBirthDetector, 'DOB: 31/02/1985')).toEqual([]);
    expect(values(dateOfBirthDetector, 'DOB: 1850-01-01')).toEqual([]);
  });
});

describe('pii.passport', () => {
  it('finds the number after a passport word', () => {
    expect(found(passportDetector, 'Passport No: 123456789.')).toEqual([['pii.passport', '123456789', 13]]);
    expect(values(passportDetector, 'Reisepassnummer C01X00T47')).toEqual(['C01X00T47']);
    expect(values(passportDetector, 'numéro de passeport 12AB34567')).toEqual(['12AB34567']);
    expect(values(passportDetector, '护照号码：E12345678')).toEqual(['E12345678']);
  });
  it('ignores numbers without a passport word and non-numbers after one', () => {
    expect(values(passportDetector, 'ticket 123456789')).toEqual([]);
    expect(values(passportDetector, 'passport photo REQUIRED for 2024')).toEqual([]);
  });
});

describe('pii.passport, German alphabet', () => {
  it('finds a German-format number with few digits, in a text with no other digits', () => {
    expect(values(passportDetector, 'Passport No: CX5WLNJZJ.')).toEqual(['CX5WLNJZJ']);
    expect(values(passportDetector, '护照号码： CT40M52HL.')).toEqual(['CT40M52HL']);
  });
});
