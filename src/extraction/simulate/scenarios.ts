/**
 * Scenarios for `portcullis simulate`: the full benign population plus the campaigns named. Same
 * scenario and seed, same trace, byte for byte.
 */

import { fnv1a, hex } from '../hash.js';
import {
  APP_SPECS,
  batchJobs,
  chatUsers,
  evalHarnesses,
  HELDOUT_APPS,
  HELDOUT_BATCHES,
  productionApps,
  type SimContext,
} from './benign.js';
import { bulk, capabilitySweep, coverTraffic, hydra, lowAndSlow, paraphrased, reasoningHarvest } from './campaigns.js';
import type { PromptData } from './data.js';
import type { TraceLine } from './emit.js';
import { Rng } from './prng.js';
import { stolenKeys } from './stolen.js';

type Campaign = (ctx: SimContext, id: string, accounts: number) => void;

const CAMPAIGNS: Record<string, { run: Campaign; accounts: [number, number] }> = {
  bulk: { run: bulk, accounts: [2, 3] },
  reasoning: { run: reasoningHarvest, accounts: [2, 3] },
  sweep: { run: capabilitySweep, accounts: [1, 2] },
  'low-and-slow': { run: lowAndSlow, accounts: [6, 10] },
  hydra: { run: hydra, accounts: [120, 200] },
  cover: { run: coverTraffic, accounts: [3, 4] },
  paraphrase: { run: paraphrased, accounts: [2, 3] },
};

/** Production apps whose key is stolen in the stolen-key scenarios (the others stay clean). */
const STOLEN_APPS = 3;

export const SCENARIOS: Record<
  string,
  { campaigns: string[]; description: string; heldOut?: boolean; stolenShare?: number; mimic?: boolean }
> = {
  benign: { campaigns: [], description: 'benign population only (chat users, apps, batch jobs, evaluation harnesses)' },
  bulk: { campaigns: ['bulk'], description: 'bulk self-instruct generation from single accounts' },
  reasoning: { campaigns: ['reasoning'], description: 'reasoning harvest (prompted and API-requested reasoning)' },
  sweep: { campaigns: ['sweep'], description: 'systematic capability sweep with log-probabilities' },
  'low-and-slow': { campaigns: ['low-and-slow'], description: '~26 requests per account per day around the clock' },
  hydra: { campaigns: ['hydra'], description: 'many small accounts behind rotating proxies, one scheduler' },
  cover: { campaigns: ['cover'], description: 'campaign requests hidden among ordinary multi-turn chatting' },
  paraphrase: { campaigns: ['paraphrase'], description: 'templates reworded on every request' },
  mixed: { campaigns: Object.keys(CAMPAIGNS), description: 'every campaign at once, in one benign population' },
  holdout: {
    campaigns: Object.keys(CAMPAIGNS),
    description:
      'every campaign, plus hard negatives never used for tuning (quiz generator, explainer app, entity batch, reasoning-model evaluation)',
    heldOut: true,
  },
  'stolen-key-5': {
    campaigns: [],
    description: `extraction under ${STOLEN_APPS} production apps' own keys at 5% of their traffic, half from the apps' servers`,
    stolenShare: 0.05,
  },
  'stolen-key-10': {
    campaigns: [],
    description: `extraction under ${STOLEN_APPS} production apps' own keys at 10% of their traffic, half from the apps' servers`,
    stolenShare: 0.1,
  },
  'stolen-key-mimic': {
    campaigns: [],
    description: `as stolen-key-10, but the campaign copies each app's system prompt, dialect and parameters (a hard case)`,
    stolenShare: 0.1,
    mimic: true,
  },
};

export interface SimulateOptions {
  scenario: string;
  seed: number;
  days?: number;
  /** Chat users in the benign population. */
  users?: number;
  start?: string;
}

export class ScenarioError extends Error {
  readonly code = 'EXTRACTION_UNKNOWN_SCENARIO';
}

export interface Simulation {
  lines: TraceLine[];
  labels: { accounts: Record<string, string | null> };
  /** Population of each account, for the evaluation's breakdown (never written to the labels file). */
  kinds: Record<string, string>;
  /** Indices into `lines` of campaign requests hidden in a benign account's traffic (stolen keys). */
  foreign: Set<number>;
}

export function simulate(data: PromptData, o: SimulateOptions): Simulation {
  const sc = SCENARIOS[o.scenario];
  if (!sc)
    throw new ScenarioError(`unknown scenario "${o.scenario}"; choose one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const root = new Rng(o.seed);
  const out: TraceLine[] = [];
  const labels: Record<string, string | null> = {};
  const kinds: Record<string, string> = {};
  const start = Date.parse(o.start ?? '2026-11-01T00:00:00.000Z');
  const days = o.days ?? 3;
  const foreign = new Set<TraceLine>();
  const ctx = (label: string): SimContext => ({
    rng: root.fork(label),
    data,
    start,
    days,
    out,
    labels,
    kinds,
    foreign,
  });
  chatUsers(ctx('chat'), o.users ?? 150);
  productionApps(ctx('apps'));
  batchJobs(ctx('batch'));
  evalHarnesses(ctx('eval'));
  if (sc.heldOut) {
    productionApps(ctx('heldout-apps'), HELDOUT_APPS);
    batchJobs(ctx('heldout-batch'), HELDOUT_BATCHES);
    evalHarnesses(ctx('heldout-eval'), true);
  }
  for (const name of sc.campaigns) {
    const c = CAMPAIGNS[name]!;
    const rng = root.fork(`size:${name}`);
    c.run(ctx(`campaign:${name}`), `${name}-${o.seed}`, rng.int(c.accounts[0], c.accounts[1]));
  }
  if (sc.stolenShare !== undefined) {
    const rng = root.fork('stolen:apps');
    const apps = APP_SPECS.map((a) => a.account);
    const chosen: string[] = [];
    while (chosen.length < Math.min(STOLEN_APPS, apps.length)) {
      const a = rng.pick(apps);
      if (!chosen.includes(a)) chosen.push(a);
    }
    stolenKeys(ctx('campaign:stolen'), `${o.scenario}-${o.seed}`, sc.stolenShare, chosen, sc.mimic === true);
  }
  // Stable sort: equal times keep generation order, so the trace is deterministic.
  out.sort((a, b) => a.ts - b.ts);
  // Account names say nothing about the population they come from; only the labels file does.
  const names = new Map<string, string>();
  const anon = (a: string): string => {
    let n = names.get(a);
    if (n === undefined) {
      n = `acct-${hex(fnv1a(`${o.seed}:${a}`))}`;
      names.set(a, n);
    }
    return n;
  };
  for (const l of out) l.account = anon(l.account);
  const anonLabels: Record<string, string | null> = {};
  const anonKinds: Record<string, string> = {};
  for (const [a, v] of Object.entries(labels)) anonLabels[anon(a)] = v;
  for (const [a, k] of Object.entries(kinds))
    anonKinds[anon(a)] =
      k === 'stolen-key'
        ? `${k}:${a}`
        : a.startsWith('app-') || a.startsWith('batch-') || a.startsWith('eval-')
          ? `${k}:${a}`
          : k;
  const foreignIdx = new Set<number>();
  out.forEach((l, i) => {
    if (foreign.has(l)) foreignIdx.add(i);
  });
  return { lines: out, labels: { accounts: anonLabels }, kinds: anonKinds, foreign: foreignIdx };
}

/** One trace line as JSON text, `ts` in RFC 3339 with milliseconds. */
export function formatLine(l: TraceLine): string {
  const { ts, ...rest } = l;
  return JSON.stringify({ ts: new Date(ts).toISOString(), ...rest });
}

export type { PromptData };
