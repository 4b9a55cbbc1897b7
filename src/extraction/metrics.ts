/**
 * Detection metrics against a labels file (specs/traffic-trace.md): per-account TPR/FPR, requests to
 * first flag, campaign output served before the flag, and hydra coverage.
 */
import type { AccountTally } from './replay.js';

export interface Labels {
  accounts: Record<string, string | null>;
}

export class LabelsError extends Error {
  readonly code = 'EXTRACTION_BAD_LABELS';
}

export function parseLabels(text: string): Labels {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new LabelsError('labels file is not valid JSON');
  }
  const acc = (v as { accounts?: unknown } | null)?.accounts;
  if (typeof acc !== 'object' || acc === null || Array.isArray(acc))
    throw new LabelsError('labels file lacks an "accounts" object');
  const out: Record<string, string | null> = {};
  for (const [k, val] of Object.entries(acc)) {
    if (val !== null && typeof val !== 'string')
      throw new LabelsError(`label of account ${JSON.stringify(k)} must be a string or null`);
    out[k] = val;
  }
  return { accounts: out };
}

/** A campaign spread over at least this many accounts counts as a hydra network. */
export const HYDRA_MIN_ACCOUNTS = 10;

export interface Metrics {
  campaignAccounts: number;
  benignAccounts: number;
  truePositives: number;
  falsePositives: number;
  tpr: number;
  fpr: number;
  /** Median over flagged campaign accounts of the account's request count at its first flag. */
  medianRequestsToFlag: number | null;
  /** Campaign output tokens served before each account's flag, over all campaign output tokens. */
  outputServedBeforeFlag: number;
  hydraAccounts: number;
  hydraFlagged: number;
  /** Per campaign id: accounts and how many were flagged. */
  campaigns: Record<string, { accounts: number; flagged: number }>;
  unlabelled: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `flaggedAt(t)` lets the evaluation sweep a score threshold; by default the replay's own flag. */
export function computeMetrics(
  tallies: Iterable<AccountTally>,
  labels: Labels,
  isFlagged: (t: AccountTally) => boolean = (t) => t.record.flagged,
): Metrics {
  const m: Metrics = {
    campaignAccounts: 0,
    benignAccounts: 0,
    truePositives: 0,
    falsePositives: 0,
    tpr: 0,
    fpr: 0,
    medianRequestsToFlag: null,
    outputServedBeforeFlag: 0,
    hydraAccounts: 0,
    hydraFlagged: 0,
    campaigns: {},
    unlabelled: 0,
  };
  const firsts: number[] = [];
  let out = 0;
  let outBefore = 0;
  for (const t of tallies) {
    const a = t.record.account;
    if (!Object.hasOwn(labels.accounts, a)) {
      m.unlabelled++;
      continue;
    }
    const label = labels.accounts[a];
    const flagged = isFlagged(t);
    if (label === null || label === undefined) {
      m.benignAccounts++;
      if (flagged) m.falsePositives++;
      continue;
    }
    m.campaignAccounts++;
    let c = m.campaigns[label];
    if (c === undefined) {
      c = { accounts: 0, flagged: 0 };
      m.campaigns[label] = c;
    }
    c.accounts++;
    out += t.outputTokens;
    if (flagged) {
      m.truePositives++;
      c.flagged++;
      if (t.record.first_flagged_request !== null) firsts.push(t.record.first_flagged_request);
      outBefore += t.outputTokensBeforeFlag;
    } else outBefore += t.outputTokens;
  }
  for (const c of Object.values(m.campaigns)) {
    if (c.accounts >= HYDRA_MIN_ACCOUNTS) {
      m.hydraAccounts += c.accounts;
      m.hydraFlagged += c.flagged;
    }
  }
  m.tpr = m.campaignAccounts === 0 ? 0 : m.truePositives / m.campaignAccounts;
  m.fpr = m.benignAccounts === 0 ? 0 : m.falsePositives / m.benignAccounts;
  m.medianRequestsToFlag = median(firsts);
  m.outputServedBeforeFlag = out === 0 ? 0 : outBefore / out;
  return m;
}

export function formatMetrics(m: Metrics): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const rows: Array<[string, string]> = [
    ['campaign accounts', String(m.campaignAccounts)],
    ['benign accounts', String(m.benignAccounts)],
    ['flagged campaign accounts (TPR)', `${m.truePositives} (${pct(m.tpr)})`],
    ['flagged benign accounts (FPR)', `${m.falsePositives} (${pct(m.fpr)})`],
    ['median requests to first flag', m.medianRequestsToFlag === null ? '-' : String(m.medianRequestsToFlag)],
    ['campaign output served before flag', pct(m.outputServedBeforeFlag)],
    [
      'hydra accounts flagged',
      m.hydraAccounts === 0 ? '-' : `${m.hydraFlagged}/${m.hydraAccounts} (${pct(m.hydraFlagged / m.hydraAccounts)})`,
    ],
  ];
  for (const [id, c] of Object.entries(m.campaigns))
    rows.push([`  campaign ${id}`, `${c.flagged}/${c.accounts} flagged`]);
  if (m.unlabelled > 0) rows.push(['accounts without a label', String(m.unlabelled)]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
