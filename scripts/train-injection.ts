/**
 * Trains the injection classifier and writes models/injection/{model.json,weights.bin}.
 *
 *   npx tsx scripts/train-injection.ts [--seed 13] [--out models/injection]
 *
 * Thresholds are tuned on leave-one-source-out scores (each training source scored by a model that
 * never saw it), which is what unseen data looks like; the final weights use every training source.
 * Evaluation-only sources (arena-hard, code-alpaca, gsm8k, the authored held-out set) are never used.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serializeWeights } from '../src/guards/injection/model.js';
import { EVAL_ONLY_SOURCES, type Example, loadAll } from './injection-data.js';
import {
  buildSamples,
  chooseThreshold,
  DEFAULT_TRAIN,
  makeModel,
  metrics,
  type Sample,
  scoreAll,
  train,
} from './train-injection-lib.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_TRAIN.seed) },
    out: { type: 'string', default: join(import.meta.dirname, '../models/injection') },
    'skip-loso': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const opts = { ...DEFAULT_TRAIN, seed };

const all = loadAll(seed);
const trainSet = all.filter((e) => !EVAL_ONLY_SOURCES.has(e.source));
const sources = [...new Set(trainSet.map((e) => e.source))];
console.log(`training texts: ${trainSet.length} from ${sources.length} sources`);

const samplesBySource = new Map<string, Sample[]>();
for (const s of sources)
  samplesBySource.set(
    s,
    buildSamples(
      trainSet.filter((e) => e.source === s),
      seed,
    ),
  );
/** Pooled out-of-source scores: every training example scored by the fold that held its source out. */
const pooled: Array<{ ex: Example; score: number }> = [];
if (!values['skip-loso']) {
  for (const held of sources) {
    const samples = sources.filter((s) => s !== held).flatMap((s) => samplesBySource.get(s)!);
    const model = makeModel(train(samples, opts));
    const exs = trainSet.filter((e) => e.source === held);
    const scores = scoreAll(model, exs);
    for (let i = 0; i < exs.length; i++) pooled.push({ ex: exs[i]!, score: scores[i]! });
    const m = metrics(
      exs.map((e) => e.label),
      scores,
      0.5,
    );
    const kind = exs[0]!.label === 1 ? `recall ${m.recall.toFixed(3)}` : `FPR ${m.fpr.toFixed(3)}`;
    console.log(`LOSO held out ${held.padEnd(18)} n=${String(exs.length).padStart(5)}  @0.5 ${kind}`);
  }
}

function tune(filter: (e: Example) => boolean, maxFpr: number, fallback: number, budget?: (e: Example) => boolean) {
  const rows = pooled.filter((p) => filter(p.ex));
  if (rows.length === 0) return fallback;
  return chooseThreshold(
    rows.map((r) => r.ex.label),
    rows.map((r) => r.score),
    maxFpr,
    budget ? rows.map((r) => budget(r.ex)) : undefined,
  );
}

// Direct: user prompts, with the 2% false-positive budget spent on real users' prompts (the traffic
// sets and Do-Not-Answer), not on role-play or authored hard negatives, which are reported apart.
const REAL_PROMPTS = new Set(['mt-bench', 'self-instruct', 'donotanswer']);
const direct = tune(
  (e) => e.role === 'user',
  0.02,
  0.5,
  (e) => REAL_PROMPTS.has(e.source),
);
// Indirect: documents and tool results.
const indirect = tune((e) => e.role === 'tool', 0.05, 0.5);
console.log(`thresholds: direct ${direct}, indirect ${indirect}`);

const finalSamples = sources.flatMap((s) => samplesBySource.get(s)!);
const trained = train(finalSamples, opts);
const model = makeModel(
  trained,
  { direct, indirect },
  {
    trainedAt: new Date().toISOString().slice(0, 10),
    seed,
    trainingSources: sources,
    trainingTexts: trainSet.length,
    trainingWindows: finalSamples.length,
  },
);
mkdirSync(values.out!, { recursive: true });
writeFileSync(join(values.out!, 'weights.bin'), serializeWeights(trained.weights));
writeFileSync(join(values.out!, 'familiar.bin'), trained.familiar);
writeFileSync(join(values.out!, 'model.json'), `${JSON.stringify(model.meta, null, 2)}\n`);
console.log(`wrote ${values.out}`);
