import { describe, expect, it } from 'vitest';
import { phoneDetector } from '../../../src/guards/pii/phone.js';
import { found, values } from './helpers.js';

describe('pii.phone', () => {
  it('finds international numbers valid in their plan, with exact spans', () => {
    expect(found(phoneDetector, 'Ring +44 20 7946 0958 today')).toEqual([['pii.phone', '+44 20 7946 0958', 5]]);
    expect(values(phoneDetector, 'Tel. +49 30 901820')).toEqual(['+49 30 901820']);
    expect(values(phoneDetector, 'appelez le 0033 1 42 68 53 00')).toEqual(['0033 1 42 68 53 00']);
    expect(values(phoneDetector, '手机：+86 138 0013 8000')).toEqual(['+86 138 0013 8000']);
  });
  it('finds NANP numbers in strong formats without context', () => {
    expect(values(phoneDetector, 'office (415) 555-2671 or 212-555-0187')).toEqual(['(415) 555-2671', '212-555-0187']);
  });
  it('accepts national formats with context words', () => {
    expect(values(phoneDetector, 'Telefon: 030 901820')).toEqual(['030 901820']);
    expect(values(phoneDetector, 'mi teléfono es 612 345 678')).toEqual(['612 345 678']);
  });
  it('accepts eight- and nine-digit numbers valid in no plan when written in three groups next to a phone word', () => {
    expect(values(phoneDetector, 'to stop receiving messages to 699 956 915')).toEqual(['699 956 915']);
    expect(values(phoneDetector, '416 60 039 office')).toEqual(['416 60 039']);
    expect(values(phoneDetector, 'office: (37) 788-063')).toEqual(['(37) 788-063']);
    // Without a phone word it is not enough.
    expect(values(phoneDetector, 'the totals were 416 60 039 and more')).toEqual([]);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    expect(found(phoneDetector, '📞 +1 415-555-2671')).toEqual([['pii.phone', '+1 415-555-2671', 3]]);
  });
  it('ignores timestamps, dates, IPs, versions and bare digit runs', () => {
    expect(values(phoneDetector, 'at 2024-01-15 10:30:00 the job ran')).toEqual([]);
    expect(values(phoneDetector, 'on 15.01.2024 and 192.168.100.200')).toEqual([]);
    expect(values(phoneDetector, 'order 4155552671 shipped; build 20240115103000')).toEqual([]);
    expect(values(phoneDetector, 'const x = 41555526710;')).toEqual([]);
  });
  it('ignores invalid international numbers', () => {
    expect(values(phoneDetector, 'call +44 12')).toEqual([]);
    expect(values(phoneDetector, 'ref +999 1234 5678')).toEqual([]);
  });
});
