import { weightedSum } from '../../text/checksums.js';
import { patternDetector, realDate } from '../pattern-detector.js';

/** China Resident Identity Card (GB 11643-1999): 6-digit region, YYYYMMDD birth date, 3-digit order, check. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function cnResidentIdValid(id: string): boolean {
  if (id.length !== 18 || id[0] === '0' || id[0] === '9') return false;
  if (!realDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  const sum = weightedSum(id, WEIGHTS);
  return sum >= 0 && CHECK[sum % 11] === id[17]!.toUpperCase();
}

export const cnResidentIdDetector = patternDetector({
  name: 'pii.cn_resident_id',
  description: 'China resident identity card numbers (18 characters, GB 11643 check, valid birth date).',
  pattern: /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g,
  minDigits: 17,
  validate: (m) => cnResidentIdValid(m[0]),
  context: ['身份证', '身份證', '公民身份号码', 'resident id', 'id card', 'identity card', 'id no', 'id number'],
  requireContext: false,
  score: [0.9, 1],
});
