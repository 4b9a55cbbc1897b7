/**
 * Evaluation of the extraction defence on simulated traffic:
 *   node --import tsx eval/extraction/run.ts [--seeds 11,12,13] [--scenarios a,b] [--data DIR]
 * Scoring constants (src/extraction/score.ts SCORING, thresholds in src/config/extraction.ts) were set
 * by looking at seeds 1 and 2 only (TUNING_SEEDS); the report uses other seeds, and the `holdout`
 * scenario adds hard negatives that did not exist while tuning. Prints Markdown.
 */
import { defaultDataDir } from '../../src/cli/simulate.js';
import { computeMetrics, type Metrics } from '../../src/extraction/metrics.js';
import { type AccountTally, Replayer } from '../../src/extraction/replay.js';
import { loadPromptData } from '../../src/extraction/simulate/data.js';
import { formatLine, SCENARIOS, simulate } from '../../src/extraction/simulate/scenarios.js';

export const TUNING_SEEDS = [1, 2];
export const REPORT_SEEDS = [11, 12, 13];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seeds = (arg('--seeds') ?? REPORT_SEEDS.join(',')).split(',').map(Number);
const scenarios = (arg('--scenarios') ?? Object.keys(SCENARIOS).join(',')).split(',');
const data = loadPromptData(arg('--data') ?? defaultDataDir());
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

interface Row {
  scenario: string;
  seed: number;
  metrics: Metrics;
  tallies: AccountTally[];
  labels: Record<string, string | null>;
  kinds: Record<string, string>;
  requests: number;
}

const rows: Row[] = [];
for (const scenario of scenarios) {
  for (const seed of seeds) {
    const sim = simulate(data, { scenario, seed });
    const r = new Replayer();
    for (const l of sim.lines) r.line(formatLine(l));
    const res = r.result();
    const tallies = [...res.tallies.values()];
    rows.push({
      scenario,
      seed,
      metrics: computeMetrics(tallies, sim.labels),
      tallies,
      labels: sim.labels.accounts,
      kinds: sim.kinds,
      requests: res.events,
    });
    process.stderr.write(`${scenario} seed ${seed}: ${res.events} requests\n`);
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const out: string[] = [];
out.push(`Seeds ${seeds.join(', ')} (tuning seeds were ${TUNING_SEEDS.join(', ')}).`, '');
out.push(
  '| scenario | seeds | requests | campaign accounts | TPR | benign accounts | FPR | median requests to first flag | campaign output served before flag | hydra flagged |',
);
out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const scenario of scenarios) {
  const rs = rows.filter((r) => r.scenario === scenario);
  const sum = (f: (m: Metrics) => number) => rs.reduce((s, r) => s + f(r.metrics), 0);
  const camp = sum((m) => m.campaignAccounts);
  const tp = sum((m) => m.truePositives);
  const ben = sum((m) => m.benignAccounts);
  const fp = sum((m) => m.falsePositives);
  const med = rs.map((r) => r.metrics.medianRequestsToFlag).filter((x): x is number => x !== null);
  const served = rs.map((r) => r.metrics.outputServedBeforeFlag);
  const hydraA = sum((m) => m.hydraAccounts);
  const hydraF = sum((m) => m.hydraFlagged);
  out.push(
    `| ${scenario} | ${rs.length} | ${rs.reduce((s, r) => s + r.requests, 0)} | ${camp} | ${camp ? `${tp}/${camp} (${pct(tp / camp)})` : '-'} | ${ben} | ${fp}/${ben} (${pct(fp / ben)}) | ${med.length ? med.sort((a, b) => a - b)[med.length >> 1] : '-'} | ${camp ? pct(served.reduce((a, b) => a + b, 0) / served.length) : '-'} | ${hydraA ? `${hydraF}/${hydraA}` : '-'} |`,
  );
}

// Per campaign type: requests to first flag (median over accounts, all seeds).
out.push('', '| campaign | accounts | flagged | median requests to first flag |', '| --- | --- | --- | --- |');
const byType = new Map<string, { n: number; f: number; firsts: number[] }>();
for (const r of rows) {
  for (const t of r.tallies) {
    const label = r.labels[t.record.account];
    if (!label) continue;
    const type = label.replace(/-\d+$/, '');
    const e = byType.get(type) ?? { n: 0, f: 0, firsts: [] };
    e.n++;
    if (t.record.flagged) {
      e.f++;
      e.firsts.push(t.record.first_flagged_request!);
    }
    byType.set(type, e);
  }
}
for (const [type, e] of [...byType].sort()) {
  const s = e.firsts.sort((a, b) => a - b);
  out.push(`| ${type} | ${e.n} | ${e.f} (${pct(e.f / e.n)}) | ${s.length ? s[s.length >> 1] : '-'} |`);
}

// Hard negatives: benign accounts that are apps, batch jobs or evaluation harnesses.
out.push('', '| benign population | accounts | flagged |', '| --- | --- | --- |');
const byKind = new Map<string, { n: number; f: number }>();
for (const r of rows) {
  for (const t of r.tallies) {
    if (r.labels[t.record.account] !== null) continue;
    const kind = r.kinds[t.record.account] ?? 'unknown';
    const e = byKind.get(kind) ?? { n: 0, f: 0 };
    e.n++;
    if (t.record.flagged) e.f++;
    byKind.set(kind, e);
  }
}
for (const [k, e] of [...byKind].sort()) out.push(`| ${k} | ${e.n} | ${e.f} |`);

// TPR vs FPR over the score threshold (max score over the replay ≥ τ).
out.push('', '| threshold | TPR | FPR |', '| --- | --- | --- |');
for (const th of THRESHOLDS) {
  let tp = 0;
  let camp = 0;
  let fp = 0;
  let ben = 0;
  for (const r of rows) {
    for (const t of r.tallies) {
      const label = r.labels[t.record.account];
      if (label === undefined) continue;
      const flagged = t.record.score >= th;
      if (label === null) {
        ben++;
        if (flagged) fp++;
      } else {
        camp++;
        if (flagged) tp++;
      }
    }
  }
  out.push(`| ${th.toFixed(1)} | ${pct(tp / camp)} | ${pct(fp / ben)} |`);
}
process.stdout.write(`${out.join('\n')}\n`);
