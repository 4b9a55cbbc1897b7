import type { Finding } from '../../core/findings.js';
import { hasDigits } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { forEachMatchInRuns } from '../text/digit-runs.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * US Social Security numbers. SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999; plus the
 * numbers SSA lists as advertising samples. `123-45-6789`-style grouping is an SSN shape by itself; a bare
 * run of nine digits is any number at all, so it needs context words.
 */

const CANDIDATE = /(?<![\d\-./])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d]|[-./]\d)/g;

/** Published samples and the Woolworth wallet card: never issued to a person. */
const SAMPLES = new Set(['078051120', '219099999', '123456789', '111111111', '457555462']);

export const SSN_CONTEXT = new ContextWords([
  'ssn',
  'ssns',
  'social security',
  'social-security',
  'social sec',
  'soc sec',
  'ss#',
  'ss #',
  'ssn#',
  'tax id',
  'taxpayer',
  'itin',
  'tin',
  'sozialversicherungsnummer',
  'sécurité sociale',
  'seguro social',
  '社会安全号',
]);

export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  const all = area + group + serial;
  if (SAMPLES.has(all) || /^(\d)\1{8}$/.test(all)) return false;
  return true;
}

export const usSsnDetector: Detector = {
  name: 'pii.us_ssn',
  category: 'pii',
  defaultAction: 'redact',
  description: 'US Social Security numbers in valid SSA ranges; unformatted ones only with context.',
  detect(text: string): Finding[] {
    if (!hasDigits(text, 9)) return [];
    const out: Finding[] = [];
    forEachMatchInRuns(CANDIDATE, text, 9, (m) => {
      const [raw, area, sep, group, serial] = m as unknown as [string, string, string, string, string];
      if (!ssnValid(area, group, serial)) return;
      const start = m.index;
      const end = start + raw.length;
      const context = SSN_CONTEXT.near(text, start, end, 48, 8);
      if (sep === '') {
        // Only a word before introduces a bare number; one after belongs to the next field.
        if (SSN_CONTEXT.inRange(text, start - 48, start))
          out.push(spanFinding('pii.us_ssn', 'pii', 0.85, start, end, 'context'));
        return;
      }
      out.push(spanFinding('pii.us_ssn', 'pii', context ? 0.95 : 0.6, start, end));
    });
    return out;
  },
};
