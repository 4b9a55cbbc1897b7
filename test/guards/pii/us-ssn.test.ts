import { describe, expect, it } from 'vitest';
import { usSsnDetector } from '../../../src/guards/pii/us-ssn.js';
import { found, values } from './helpers.js';

describe('pii.us_ssn', () => {
  it('finds dashed SSNs and scores context higher', () => {
    expect(found(usSsnDetector, 'no 536-90-4399 here')).toEqual([['pii.us_ssn', '536-90-4399', 3]]);
    const [bare] = usSsnDetector.detect('id 536-90-4399', { role: 'user' });
    const [ctx] = usSsnDetector.detect('SSN: 536-90-4399', { role: 'user' });
    expect(ctx!.score).toBeGreaterThan(bare!.score);
  });
  it('needs context for nine bare digits', () => {
    expect(values(usSsnDetector, 'ref 536904399')).toEqual([]);
    expect(values(usSsnDetector, 'my social security number is 536904399')).toEqual(['536904399']);
  });
  it('rejects invalid areas, groups, serials and advertised samples', () => {
    for (const v of [
      '000-12-3456',
      '666-12-3456',
      '912-12-3456',
      '536-00-4399',
      '536-90-0000',
      '078-05-1120',
      '123-45-6789',
    ]) {
      expect(values(usSsnDetector, `SSN ${v}`)).toEqual([]);
    }
  });
  it('rejects inconsistent separators and digits inside longer runs', () => {
    expect(values(usSsnDetector, 'SSN 536-90 4399')).toEqual([]);
    expect(values(usSsnDetector, 'SSN 1536-90-43991')).toEqual([]);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    expect(found(usSsnDetector, '🙂 SSN 536-90-4399')).toEqual([['pii.us_ssn', '536-90-4399', 7]]);
  });
});
