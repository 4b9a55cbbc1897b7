import { describe, expect, it } from 'vitest';
import { personNameDetector } from '../../../src/guards/pii/person-name.js';
import { streetAddressDetector } from '../../../src/guards/pii/street-address.js';
import { found, values } from './helpers.js';

describe('pii.person_name', () => {
  it('finds names after introducing cues', () => {
    expect(found(personNameDetector, 'Hello, my name is John Smith.')).toEqual([['pii.person_name', 'John Smith', 18]]);
    expect(values(personNameDetector, 'Dear Maria,\nthanks')).toEqual(['Maria']);
    expect(values(personNameDetector, 'Sehr geehrte Frau Müller-Lüdenscheidt')).toEqual(['Müller-Lüdenscheidt']);
    expect(values(personNameDetector, '我叫王小明，来自北京')).toEqual(['王小明']);
  });
  it('ignores generic salutations and lowercase words after cues', () => {
    expect(values(personNameDetector, 'Dear Sir, Dear Customer, Dear team')).toEqual([]);
    expect(values(personNameDetector, 'I am going home. This is fine.')).toEqual([]);
    expect(values(personNameDetector, 'Mr. brown is late')).toEqual([]);
  });
});

describe('pii.street_address', () => {
  it('finds addresses in several languages', () => {
    expect(values(streetAddressDetector, 'Ship to 221 Baker Street, London please')).toEqual([
      '221 Baker Street, London',
    ]);
    expect(values(streetAddressDetector, 'wohnt in der Hauptstraße 5, 10115 Berlin.')).toEqual([
      'Hauptstraße 5, 10115 Berlin',
    ]);
    expect(values(streetAddressDetector, 'au 12 rue de la Paix')).toEqual(['12 rue de la Paix']);
    expect(values(streetAddressDetector, 'vivo en Calle Mayor 10')).toEqual(['Calle Mayor 10']);
    expect(values(streetAddressDetector, '地址：北京市朝阳区建国路88号')).toEqual(['北京市朝阳区建国路88号']);
  });
  it('ignores numbers without street words', () => {
    expect(values(streetAddressDetector, 'We sold 300 Big Boxes in 2023 Q4')).toEqual([]);
  });
});

describe('pii.street_address: boxes, units, military mail and non-English street words', () => {
  it('finds them with their whole span', () => {
    expect(values(streetAddressDetector, 'Send it to P.O. Box 149 please')).toEqual(['P.O. Box 149']);
    expect(values(streetAddressDetector, 'Postfach 1234, Köln')).toEqual(['Postfach 1234']);
    expect(values(streetAddressDetector, 'Meet me at PSC 1437, Box 3833\nAPO AA 66791')).toEqual([
      'PSC 1437, Box 3833\nAPO AA 66791',
    ]);
    expect(values(streetAddressDetector, 'my flat is Apt. 595 on the left')).toEqual(['Apt. 595']);
    expect(values(streetAddressDetector, 'abito in Via Franscini 71 a Lugano')).toEqual(['Via Franscini 71']);
    expect(values(streetAddressDetector, 'mieszkam przy ul. Słowicza 10')).toEqual(['ul. Słowicza 10']);
    expect(values(streetAddressDetector, 'Vi bor på Hersnapvej 75 i Odense')).toEqual(['Hersnapvej 75']);
    expect(values(streetAddressDetector, 'Ik woon in de Kerkstraat 5.')).toEqual(['Kerkstraat 5']);
    // A postcode or another number before the house number joins it in one digit run.
    expect(values(streetAddressDetector, 'Meet me at 0538 15 Millicent Drive')).toEqual(['15 Millicent Drive']);
    expect(values(streetAddressDetector, 'addresses: 03262 2437 Main St Suite 442')).toEqual([
      '2437 Main St Suite 442',
    ]);
  });

  it('needs the address word and the number', () => {
    for (const text of [
      'Box 12 of the warehouse',
      'the suite of tests ran 838 times',
      'the test suite 2026 results are in',
      'Windows 10 and Python 3 on Via Rail',
      'Unit 4 of the course covers APIs',
      'apartment hunting is hard',
    ]) {
      expect(values(streetAddressDetector, text), text).toEqual([]);
    }
  });
});
