/**
 * Evaluation of the injection guard.
 *
 *   npx tsx eval/injection/run.ts [--write]     (--write updates docs/evaluation/injection.md)
 *
 * 1. Leave-one-source-out (the honest numbers): for each training source, a model trained on all the
 *    others scores it. Per-source recall / FPR, and pooled precision, recall, F1 and FPR.
 * 2. The committed model on data it never saw: the held-out real-traffic set (arena-hard), other
 *    benign prompt sets used only for evaluation, and the authored held-out set (new phrasings).
 * Thresholds are the committed INJECTION_THRESHOLDS (direct for user/system text, indirect for tool).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVAL_ONLY_SOURCES, type Example, loadAll } from '../../scripts/injection-data.js';
import {
  buildSamples,
  DEFAULT_TRAIN,
  type Metrics,
  makeModel,
  metrics,
  type Sample,
  scoreAll,
  train,
} from '../../scripts/train-injection-lib.js';
import { INJECTION_THRESHOLDS, injectionDetectors } from '../../src/guards/injection/index.js';
import { defaultModel } from '../../src/guards/injection/model.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
const threshold = (e: Example) => (e.role === 'tool' ? INJECTION_THRESHOLDS.indirect : INJECTION_THRESHOLDS.direct);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

function evaluate(exs: Example[], scores: number[]): Metrics {
  // Per-example thresholds: fold them into the score so one cut at 0 applies.
  const shifted = scores.map((s, i) => s - threshold(exs[i]!));
  return metrics(
    exs.map((e) => e.label),
    shifted,
    0,
  );
}

function row(name: string, m: Metrics): string {
  const neg = m.n - m.positives;
  return `| ${name} | ${m.positives} | ${neg} | ${m.positives ? f3(m.precision) : '—'} | ${m.positives ? f3(m.recall) : '—'} | ${m.positives ? f3(m.f1) : '—'} | ${neg ? pct(m.fpr) : '—'} |`;
}

const HEADER =
  '| set | attacks | benign | precision | recall | F1 | FPR |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';

const all = loadAll(DEFAULT_TRAIN.seed);
const trainSet = all.filter((e) => !EVAL_ONLY_SOURCES.has(e.source));
const sources = [...new Set(trainSet.map((e) => e.source))];
const arena = all.filter((e) => e.source === 'arena-hard');
const out: string[] = [];

// 1. Leave-one-source-out.
const samplesBySource = new Map<string, Sample[]>();
for (const s of sources)
  samplesBySource.set(
    s,
    buildSamples(
      trainSet.filter((e) => e.source === s),
      DEFAULT_TRAIN.seed,
    ),
  );
const pooledEx: Example[] = [];
const pooledScores: number[] = [];
const losoRows: string[] = [];
for (const held of sources) {
  const model = makeModel(
    train(
      sources.filter((s) => s !== held).flatMap((s) => samplesBySource.get(s)!),
      DEFAULT_TRAIN,
    ),
  );
  const exs = trainSet.filter((e) => e.source === held);
  const scores = scoreAll(model, exs);
  pooledEx.push(...exs);
  pooledScores.push(...scores);
  // An attack-only source gets the held-out real-traffic prompts as its negatives, scored by the same fold.
  const hasNeg = exs.some((e) => e.label === 0);
  const hasPos = exs.some((e) => e.label === 1);
  const withNeg = hasPos && !hasNeg ? [...exs, ...arena] : exs;
  const withNegScores = hasPos && !hasNeg ? [...scores, ...scoreAll(model, arena)] : scores;
  const m = evaluate(withNeg, withNegScores);
  losoRows.push(row(hasPos && !hasNeg ? `${held} (+ arena-hard benign)` : held, m));
  console.log(losoRows.at(-1));
}
const pooled = evaluate(pooledEx, pooledScores);
const pooledUser = evaluate(
  pooledEx.filter((e) => e.role === 'user'),
  pooledScores.filter((_, i) => pooledEx[i]!.role === 'user'),
);
const pooledTool = evaluate(
  pooledEx.filter((e) => e.role === 'tool'),
  pooledScores.filter((_, i) => pooledEx[i]!.role === 'tool'),
);
out.push(
  '### Leave-one-source-out (classifier only; each row scored by a model that never saw that source)',
  '',
  HEADER,
);
out.push(...losoRows);
out.push(
  row('**pooled, all roles**', pooled),
  row('**pooled, role user**', pooledUser),
  row('**pooled, role tool**', pooledTool),
  '',
);

// 2. The committed model on never-trained data.
const model = defaultModel();
const evalSets: Array<[string, Example[]]> = [
  ['arena-hard (real user prompts, never trained on)', arena],
  ['code-alpaca (coding instructions, eval-only licence)', all.filter((e) => e.source === 'code-alpaca')],
  ['gsm8k (every 15th question)', all.filter((e) => e.source === 'gsm8k')],
  ['authored held-out (new phrasings, 10 languages)', all.filter((e) => e.source === 'authored-heldout')],
];
const heldRows: string[] = [];
const guardRows: string[] = [];
for (const [name, exs] of evalSets) {
  const scores = scoreAll(model, exs);
  heldRows.push(row(name, evaluate(exs, scores)));
  // The whole guard: any injection detector's finding at or over the role's threshold.
  const guard = exs.map((e) => {
    let best = 0;
    for (const d of injectionDetectors)
      for (const f of d.detect(e.text, { role: e.role })) best = Math.max(best, f.score);
    return best;
  });
  guardRows.push(row(name, evaluate(exs, guard)));
  console.log(heldRows.at(-1));
  console.log(guardRows.at(-1));
}
out.push('### Committed model on data it never trained on: classifier only', '', HEADER, ...heldRows, '');
out.push(
  '### Committed model on data it never trained on: all injection detectors (max score)',
  '',
  HEADER,
  ...guardRows,
  '',
);

// Authored held-out by category, to show where it fails.
const authored = all.filter((e) => e.source === 'authored-heldout');
const rawRows = readFileSync(join(import.meta.dirname, '../../data/injection/authored.heldout.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; category: string; lang: string });
const catOf = new Map(rawRows.map((r) => [r.text, `${r.category}`]));
const langOf = new Map(rawRows.map((r) => [r.text, r.lang]));
const authoredScores = scoreAll(model, authored);
const byKey = (key: Map<string, string>) => {
  const groups = new Map<string, number[]>();
  authored.forEach((e, i) => {
    const k = key.get(e.text) ?? '?';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(i);
  });
  return [...groups.entries()].sort().map(([k, idx]) =>
    row(
      k,
      evaluate(
        idx.map((i) => authored[i]!),
        idx.map((i) => authoredScores[i]!),
      ),
    ),
  );
};
out.push('### Authored held-out by category (classifier only)', '', HEADER, ...byKey(catOf), '');
out.push('### Authored held-out by language (classifier only)', '', HEADER, ...byKey(langOf), '');

const text = out.join('\n');
console.log(`\n${text}`);
if (values.write) {
  const doc = join(import.meta.dirname, '../../docs/evaluation/injection.md');
  const current = readFileSync(doc, 'utf8');
  const start = current.indexOf('<!-- results:start -->');
  const end = current.indexOf('<!-- results:end -->');
  if (start < 0 || end < 0) throw new Error(`${doc} lacks the results markers`);
  writeFileSync(doc, `${current.slice(0, start)}<!-- results:start -->\n\n${text}\n${current.slice(end)}`);
  console.log(`updated ${doc}`);
}
