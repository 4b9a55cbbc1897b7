/**
 * Evaluation of stolen/shared-key detection (issue 11) on the `stolen-key-5` and `stolen-key-10`
 * scenarios:
 *   node --import tsx eval/extraction/stolen.ts [--seeds 11,...,20] [--scenarios stolen-key-5,stolen-key-10] [--days 3]
 *     [--restart-every N]
 * `--restart-every N`: every N requests, each key's watch changed since the last time goes through its
 * persisted JSON form and is restored in its place (what a restart with a store does), to check that
 * persistence changes no result.
 * Constants (src/extraction/keywatch, key_watch defaults in src/config/extraction.ts) were set by
 * looking at seeds 1 and 2 only. Prints Markdown.
 */
import { defaultDataDir } from '../../src/cli/simulate.js';
import { Replayer } from '../../src/extraction/replay.js';
import { loadPromptData } from '../../src/extraction/simulate/data.js';
import { formatLine, simulate } from '../../src/extraction/simulate/scenarios.js';

export const TUNING_SEEDS = [1, 2];
export const REPORT_SEEDS = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seeds = (arg('--seeds') ?? REPORT_SEEDS.join(',')).split(',').map(Number);
const scenarios = (arg('--scenarios') ?? 'stolen-key-5,stolen-key-10').split(',');
const days = Number(arg('--days') ?? 3);
const restartEvery = Number(arg('--restart-every') ?? 0);
const data = loadPromptData(arg('--data') ?? defaultDataDir());

interface KeyRow {
  kind: string;
  stolen: boolean;
  flagged: boolean;
  keyFlagged: boolean;
  requests: number;
  /** The key's own request count at the flag, and campaign requests before it. */
  flagAt: number | null;
  foreignBeforeFlag: number;
  foreign: number;
  foreignOutBefore: number;
  foreignOut: number;
  /** After the flag: campaign requests matched / seen, benign requests matched / seen. */
  foreignMatched: number;
  foreignAfter: number;
  benignMatched: number;
  benignAfter: number;
  share: number | undefined;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const out: string[] = [];
out.push(
  `${days} days of traffic; seeds ${seeds.join(', ')} (tuning seeds were ${TUNING_SEEDS.join(', ')})${restartEvery > 0 ? `; key states restored from JSON every ${restartEvery} requests` : ''}.`,
  '',
);
out.push(
  '| scenario | stolen keys flagged | apps/batch jobs flagged | eval harnesses flagged | other benign flagged | median key requests to flag | median campaign requests to flag | campaign output served before flag | campaign requests in named sub-stream (after flag) | benign requests of the key in it | median reported share |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const scenario of scenarios) {
  const rows: KeyRow[] = [];
  for (const seed of seeds) {
    const sim = simulate(data, { scenario, seed, days });
    const r = new Replayer();
    const keys = new Map<string, KeyRow>();
    sim.lines.forEach((l, i) => {
      if (restartEvery > 0 && i > 0 && i % restartEvery === 0) {
        for (const rec of r.engine.takeDirtyKeys()) {
          r.engine.keys?.delete(rec.id);
          r.engine.loadKey(rec.account, rec.id, JSON.parse(JSON.stringify(rec.state)));
        }
      }
      r.line(formatLine(l));
      const kind = sim.kinds[l.account] ?? 'unknown';
      let k = keys.get(l.account);
      if (!k) {
        k = {
          kind: kind.split(':')[0]!,
          stolen: sim.labels.accounts[l.account] != null,
          flagged: false,
          keyFlagged: false,
          requests: 0,
          flagAt: null,
          foreignBeforeFlag: 0,
          foreign: 0,
          foreignOutBefore: 0,
          foreignOut: 0,
          foreignMatched: 0,
          foreignAfter: 0,
          benignMatched: 0,
          benignAfter: 0,
          share: undefined,
        };
        keys.set(l.account, k);
      }
      k.requests++;
      const isForeign = sim.foreign.has(i);
      const obs = r.engine.lastKey;
      // Whether this request was served under the flag is decided by the state before it.
      const flaggedBefore = k.keyFlagged;
      if (isForeign) {
        k.foreign++;
        k.foreignOut += l.response?.output_tokens ?? 0;
        if (!flaggedBefore) {
          k.foreignBeforeFlag++;
          k.foreignOutBefore += l.response?.output_tokens ?? 0;
        }
      }
      if (flaggedBefore && obs) {
        if (isForeign) {
          k.foreignAfter++;
          if (obs.matches) k.foreignMatched++;
        } else {
          k.benignAfter++;
          if (obs.matches) k.benignMatched++;
        }
      }
      if (obs?.flagged && !k.keyFlagged) {
        k.keyFlagged = true;
        k.flagAt = k.requests;
      }
    });
    const res = r.result();
    for (const [a, k] of keys) {
      const t = res.tallies.get(a);
      k.flagged = t?.record.flagged ?? false;
      k.share = t?.record.share;
      rows.push(k);
    }
    process.stderr.write(`${scenario} seed ${seed}: ${res.events} requests\n`);
  }
  const stolen = rows.filter((k) => k.stolen);
  const appsBatch = rows.filter((k) => !k.stolen && (k.kind === 'app' || k.kind === 'batch'));
  const evals = rows.filter((k) => !k.stolen && k.kind === 'eval');
  const other = rows.filter((k) => !k.stolen && k.kind !== 'app' && k.kind !== 'batch' && k.kind !== 'eval');
  const cnt = (xs: KeyRow[]) => `${xs.filter((k) => k.keyFlagged).length}/${xs.length}`;
  const median = (xs: number[]) => (xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1]! : Number.NaN);
  const sum = (xs: KeyRow[], f: (k: KeyRow) => number) => xs.reduce((s, k) => s + f(k), 0);
  const fl = stolen.filter((k) => k.keyFlagged);
  const ratio = (a: number, b: number) => (b > 0 ? pct(a / b) : '-');
  out.push(
    `| ${scenario} | ${cnt(stolen)} (${ratio(fl.length, stolen.length)}) | ${cnt(appsBatch)} | ${cnt(evals)} | ${cnt(other)} | ${median(fl.map((k) => k.flagAt!))} | ${median(fl.map((k) => k.foreignBeforeFlag))} | ${pct(sum(stolen, (k) => k.foreignOutBefore) / sum(stolen, (k) => k.foreignOut))} | ${pct(sum(fl, (k) => k.foreignMatched) / sum(fl, (k) => k.foreignAfter))} | ${pct(sum(fl, (k) => k.benignMatched) / sum(fl, (k) => k.benignAfter))} | ${pct(median(fl.map((k) => k.share ?? 0)))} |`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
