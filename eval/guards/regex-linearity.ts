/**
 * Linearity check for every PII and secrets detector: time on adversarial inputs of n and 4n characters
 * (long runs of each rule's keywords and alphabets, near-misses, separator soup). A pattern that backtracks
 * catastrophically shows a ratio far above 4 (quadratic: 16); the script prints the worst ratios and exits 1
 * above 8. Timings are best-of-5 because a shared machine adds noise of several milliseconds.
 *   npx tsx eval/guards/regex-linearity.ts [--n 50000]
 */
import { piiDetectors } from '../../src/guards/pii/index.js';
import { secretRules, secretsDetectors } from '../../src/guards/secrets/index.js';

const i = process.argv.indexOf('--n');
const N = i === -1 ? 50_000 : Number(process.argv[i + 1]);

const seeds: string[] = [
  'a',
  '0',
  '1 ',
  '1-',
  '1.',
  'a.',
  '@',
  'a@',
  ':',
  'f:',
  '=',
  'A',
  'eyJ',
  'eyJa.',
  '-----BEGIN ',
  'password=',
  'postgres://a:',
  'Bearer ',
  'Dear Aa ',
  '12 Aa ',
  'DOB 1/',
  'passport 1',
  '+1 ',
  '(1)',
  '中',
  'AKIA',
  '0000 ',
];
for (const r of secretRules) for (const k of r.keywords) seeds.push(k, `${k}A1`, `${k}_`);
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function time(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

const rows: [number, string, number, number][] = [];
for (const d of [...piiDetectors, ...secretsDetectors]) {
  for (const s of new Set(seeds)) {
    const a = fill(s, N);
    const b = fill(s, 4 * N);
    const ta = time(() => d.detect(a, { role: 'user' }));
    const tb = time(() => d.detect(b, { role: 'user' }));
    // Ratios of millisecond timings are noise; only inputs that take measurable time are compared.
    if (tb > 5) rows.push([tb / Math.max(ta, 0.01), `${d.name} on ${JSON.stringify(s)}`, ta, tb]);
  }
}
rows.sort((x, y) => y[0] - x[0]);
console.log(`n = ${N}; ${rows.length} detector/input pairs took over 5 ms at 4n`);
for (const [ratio, what, ta, tb] of rows.slice(0, 15))
  console.log(`${ratio.toFixed(2)}x  ${ta.toFixed(1)} → ${tb.toFixed(1)} ms  ${what}`);
const worst = rows[0]?.[0] ?? 0;
console.log(worst > 8 ? `FAIL: worst ratio ${worst.toFixed(2)}` : `ok: worst ratio ${worst.toFixed(2)} (linear is 4)`);
process.exitCode = worst > 8 ? 1 : 0;
