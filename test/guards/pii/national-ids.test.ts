import { describe, expect, it } from 'vitest';
import { brCpfDetector } from '../../../src/guards/pii/national-ids/br-cpf.js';
import { cnResidentIdDetector } from '../../../src/guards/pii/national-ids/cn-resident-id.js';
import { deTaxIdDetector } from '../../../src/guards/pii/national-ids/de-tax-id.js';
import { esDniDetector } from '../../../src/guards/pii/national-ids/es-dni.js';
import { frNirDetector } from '../../../src/guards/pii/national-ids/fr-nir.js';
import { inAadhaarDetector } from '../../../src/guards/pii/national-ids/in-aadhaar.js';
import { itFiscalCodeDetector } from '../../../src/guards/pii/national-ids/it-fiscal-code.js';
import { nlBsnDetector } from '../../../src/guards/pii/national-ids/nl-bsn.js';
import { plPeselDetector } from '../../../src/guards/pii/national-ids/pl-pesel.js';
import { sePersonnummerDetector } from '../../../src/guards/pii/national-ids/se-personnummer.js';
import { ukNinoDetector } from '../../../src/guards/pii/national-ids/uk-nino.js';
import { found, values } from './helpers.js';

// Valid values are the published examples of each scheme; invalid ones change one character.
describe('pii.cn_resident_id', () => {
  it('finds a GB 11643 id with exact span after CJK text and an emoji', () => {
    expect(found(cnResidentIdDetector, '🪪身份证号11010519491231002X')).toEqual([
      ['pii.cn_resident_id', '11010519491231002X', 6],
    ]);
  });
  it('rejects a wrong check character and an impossible birth date', () => {
    expect(values(cnResidentIdDetector, '110105194912310021')).toEqual([]);
    expect(values(cnResidentIdDetector, '11010519491331002X')).toEqual([]);
  });
});

describe('pii.uk_nino', () => {
  it('finds compact and spaced numbers', () => {
    expect(values(ukNinoDetector, 'NI: AB123456C and AB 12 34 56 C')).toEqual(['AB123456C', 'AB 12 34 56 C']);
  });
  it('rejects banned prefixes, letters and suffixes', () => {
    expect(values(ukNinoDetector, 'QQ123456C GB123456A AB123456E DA123456A')).toEqual([]);
  });
});

describe('pii.fr_nir', () => {
  it('finds a NIR with a valid key', () => {
    expect(values(frNirDetector, 'n° sécu 2 69 05 49 588 157 80')).toEqual(['2 69 05 49 588 157 80']);
    expect(values(frNirDetector, '184127645108946')).toEqual(['184127645108946']);
  });
  it('rejects a wrong key', () => {
    expect(values(frNirDetector, '2 69 05 49 588 157 81')).toEqual([]);
  });
});

describe('pii.es_dni', () => {
  it('finds DNI and NIE with valid letters', () => {
    expect(values(esDniDetector, 'DNI 12345678Z, NIE X1234567L')).toEqual(['12345678Z', 'X1234567L']);
  });
  it('rejects wrong letters', () => {
    expect(values(esDniDetector, 'DNI 12345678A, NIE X1234567A')).toEqual([]);
  });
});

describe('pii.it_fiscal_code', () => {
  it('finds a codice fiscale with a valid check character', () => {
    expect(values(itFiscalCodeDetector, 'CF: RSSMRA85T10A562S')).toEqual(['RSSMRA85T10A562S']);
  });
  it('rejects a wrong check character', () => {
    expect(values(itFiscalCodeDetector, 'CF: RSSMRA85T10A562T')).toEqual([]);
  });
});

describe('pii.de_tax_id', () => {
  it('finds a Steuer-ID near context and ignores it without', () => {
    expect(values(deTaxIdDetector, 'Steuer-ID: 86095742719')).toEqual(['86095742719']);
    expect(values(deTaxIdDetector, 'Nummer 86095742719')).toEqual([]);
  });
  it('rejects a wrong check digit', () => {
    expect(values(deTaxIdDetector, 'Steuer-ID: 86095742718')).toEqual([]);
  });
});

describe('pii.nl_bsn', () => {
  it('finds a BSN passing the 11-proof near context', () => {
    expect(values(nlBsnDetector, 'BSN 111222333')).toEqual(['111222333']);
    expect(values(nlBsnDetector, 'BSN 111222334')).toEqual([]);
    expect(values(nlBsnDetector, 'klantnummer 111222333')).toEqual([]);
  });
});

describe('pii.in_aadhaar', () => {
  it('finds grouped numbers alone and bare numbers with context', () => {
    expect(values(inAadhaarDetector, 'id 4991 1866 5246')).toEqual(['4991 1866 5246']);
    expect(values(inAadhaarDetector, 'Aadhaar 499118665246')).toEqual(['499118665246']);
    expect(values(inAadhaarDetector, 'ref 499118665246')).toEqual([]);
  });
  it('rejects a Verhoeff failure', () => {
    expect(values(inAadhaarDetector, 'Aadhaar 4991 1866 5247')).toEqual([]);
  });
});

describe('pii.br_cpf', () => {
  it('finds a formatted CPF and rejects wrong check digits', () => {
    expect(values(brCpfDetector, 'CPF 529.982.247-25')).toEqual(['529.982.247-25']);
    expect(values(brCpfDetector, 'CPF 529.982.247-26')).toEqual([]);
    expect(values(brCpfDetector, '111.111.111-11')).toEqual([]);
  });
});

describe('pii.pl_pesel', () => {
  it('finds a PESEL near context', () => {
    expect(values(plPeselDetector, 'PESEL: 44051401359')).toEqual(['44051401359']);
    expect(values(plPeselDetector, 'PESEL: 44051401358')).toEqual([]);
  });
});

describe('pii.se_personnummer', () => {
  it('finds the dashed form alone and rejects a Luhn failure', () => {
    expect(values(sePersonnummerDetector, 'pnr 811228-9874')).toEqual(['811228-9874']);
    expect(values(sePersonnummerDetector, 'pnr 811228-9875')).toEqual([]);
    expect(values(sePersonnummerDetector, 'ref 8112289874')).toEqual([]);
  });
});
