import { weightedSum } from '../../text/checksums.js';
import { patternDetector } from '../pattern-detector.js';

/** Brazil CPF: 9 digits and two mod-11 check digits, printed "123.456.789-09"; bare 11 digits need context. */

export function cpfValid(d: string): boolean {
  if (!/^\d{11}$/.test(d) || /^(\d)\1{10}$/.test(d)) return false;
  const check = (len: number): number => {
    const weights = Array.from({ length: len }, (_, i) => len + 1 - i);
    const r = (weightedSum(d, weights) * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === d.charCodeAt(9) - 48 && check(10) === d.charCodeAt(10) - 48;
}

export const brCpfDetector = patternDetector({
  name: 'pii.br_cpf',
  description: 'Brazilian individual taxpayer numbers (CPF) with valid check digits.',
  pattern: /(?<![\d.-])\d{3}(\.?)\d{3}\1\d{3}-?\d{2}(?![\d]|[.-]\d)/g,
  minDigits: 11,
  validate: (m) => cpfValid(m[0].replace(/[.-]/g, '')),
  context: ['cpf', 'cadastro de pessoas', 'contribuinte'],
  requireContext: (m) => m[1] === '',
  score: [0.85, 0.95],
});
