/**
 * The planted-instruction rule (src/guards/injection/planted.ts) on its own: recall and false positives on
 * the authored tool-role texts (train: what the rule was chosen on; held-out: never looked at), and how often
 * it would fire on benign texts — real prompts and role-play (role user, where it does not run in the
 * gateway), developers' system prompts, and BIPIA's clean contexts (role tool).
 *   npx tsx eval/injection/planted.ts data/injection/authored.train.jsonl data/injection/authored.heldout.jsonl
 */
import { readFileSync } from 'node:fs';
import { plantedCues } from '../../src/guards/injection/planted.js';

const planted = (text: string): boolean => plantedCues(text) !== undefined;
for (const file of process.argv.slice(2)) {
  let tp = 0,
    fn = 0,
    fp = 0,
    tn = 0;
  const fps: string[] = [];
  for (const l of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(l);
    if ((r.role ?? 'user') !== 'tool') continue;
    const p = planted(r.text);
    if (r.label) p ? tp++ : fn++;
    else if (p) {
      fp++;
      fps.push(r.text.slice(0, 120));
    } else tn++;
  }
  console.log(file, { tp, fn, fp, tn, recall: (tp / (tp + fn)).toFixed(3) });
  for (const x of fps.slice(0, 5)) console.log('  FP', JSON.stringify(x));
}
// real prompts and role-play (benign, role user)
const real: string[] = [];
for (const l of readFileSync('../shared/data/traffic/arena-hard-v0.1.questions.jsonl', 'utf8').split('\n'))
  if (l) real.push(JSON.parse(l).prompt);
for (const l of readFileSync('../shared/data/traffic/mt-bench.questions.jsonl', 'utf8').split('\n'))
  if (l) real.push(...JSON.parse(l).turns);
for (const o of JSON.parse(readFileSync('../shared/data/injection/gpteacher.roleplay-instruct.json', 'utf8')))
  real.push(`${o.instruction}\n${o.input ?? ''}`);
const sys = JSON.parse(readFileSync('../shared/data/injection/louisshark.gpt-system-prompts.json', 'utf8'));
let fired = 0;
for (const t of real)
  if (planted(t)) {
    fired++;
    if (fired <= 6) console.log('  real FP', JSON.stringify(t.slice(0, 140)));
  }
console.log('real/roleplay', fired, 'of', real.length);
const sysTexts: string[] = (Array.isArray(sys) ? sys : Object.values(sys)).map((x: unknown) =>
  typeof x === 'string' ? x : JSON.stringify(x),
);
console.log('sysprompts', sysTexts.filter(planted).length, 'of', sysTexts.length);
// BIPIA clean contexts
for (const f of ['email.train.jsonl', 'code.train.jsonl', 'table.train.jsonl']) {
  const rows = readFileSync(`../shared/data/injection/bipia/${f}`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const ctx = rows.map((r: Record<string, unknown>) => String(r.context ?? ''));
  const hits = ctx.filter(planted);
  console.log(
    'bipia clean',
    f,
    hits.length,
    'of',
    ctx.length,
    hits.slice(0, 2).map((x: string) => x.slice(0, 100)),
  );
}
