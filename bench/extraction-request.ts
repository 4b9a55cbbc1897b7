/**
 * Per-request cost of the extraction defence on the gateway's path (issue 8 hot path), in µs:
 *   node --import tsx bench/extraction-request.ts [TRACE.jsonl] [--n 50000]
 * Splits one request's work into (a) features: extractFeatures on the canonical request (what the
 * record stage runs; prompt text is read here and dropped), and (b) update: profile update, linking,
 * key watch and scoring (ExtractionEngine.observeFeatures). Trace lines are parsed and converted to
 * canonical requests before timing, as the gateway has them already decoded. Prints mean and
 * percentiles of per-request times (process.hrtime around each call; each call is timed on its own,
 * so the numbers include ~0.05 µs of timer overhead), and the largest profile's JSON size.
 */
import { readFileSync } from 'node:fs';
import { defaultDataDir } from '../src/cli/simulate.js';
import { bodyToChatRequest } from '../src/extraction/convert.js';
import { ExtractionEngine } from '../src/extraction/engine.js';
import { extractFeatures } from '../src/extraction/features/extract.js';
import { hashKeyFrom } from '../src/extraction/hash.js';
import { PROFILE_MAX_BYTES } from '../src/extraction/profile.js';
import { loadPromptData } from '../src/extraction/simulate/data.js';
import { formatLine, simulate } from '../src/extraction/simulate/scenarios.js';
import { parseTraceLine } from '../src/extraction/trace.js';
import type { RequestFeatures, RequestObservation } from '../src/extraction/types.js';

const path = process.argv[2]?.startsWith('--') ? undefined : process.argv[2];
const ni = process.argv.indexOf('--n');
const limit = ni > 0 ? Number(process.argv[ni + 1]) : 50_000;
const lines = path
  ? readFileSync(path, 'utf8').split('\n', limit)
  : simulate(loadPromptData(defaultDataDir()), { scenario: 'holdout', seed: 3 }).lines.slice(0, limit).map(formatLine);

const obs: RequestObservation[] = [];
for (const l of lines) {
  const p = parseTraceLine(l);
  if (!p.ok) continue;
  const request = bodyToChatRequest(p.event.path, p.event.body);
  if (request) obs.push({ ...p.event, request, body: undefined });
}
const key = hashKeyFrom('bench-deployment-secret');

function pct(xs: Float64Array, q: number): number {
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
}
function summary(name: string, t: Float64Array): string {
  let sum = 0;
  for (const x of t) sum += x;
  const s = Float64Array.from(t).sort();
  return `${name}: mean ${(sum / t.length).toFixed(2)} µs, p50 ${pct(s, 0.5).toFixed(2)}, p90 ${pct(s, 0.9).toFixed(2)}, p99 ${pct(s, 0.99).toFixed(2)}, max ${s[s.length - 1]!.toFixed(1)}`;
}

function once(report: boolean): void {
  const feats: RequestFeatures[] = new Array(obs.length);
  const tf = new Float64Array(obs.length);
  for (let i = 0; i < obs.length; i++) {
    const t0 = process.hrtime.bigint();
    feats[i] = extractFeatures(obs[i]!, key);
    tf[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const engine = new ExtractionEngine(undefined, { hashKey: key });
  const tu = new Float64Array(obs.length);
  for (let i = 0; i < obs.length; i++) {
    const t0 = process.hrtime.bigint();
    engine.observeFeatures(obs[i]!.account, feats[i]!, undefined, obs[i]!.key);
    tu[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  if (!report) return;
  let maxBytes = 0;
  const accounts = new Set(obs.map((o) => o.account));
  for (const a of accounts) {
    const p = engine.profile(a);
    if (p) maxBytes = Math.max(maxBytes, JSON.stringify(p.toJSON()).length);
  }
  const both = new Float64Array(obs.length);
  for (let i = 0; i < obs.length; i++) both[i] = tf[i]! + tu[i]!;
  process.stdout.write(
    `${obs.length} requests, ${accounts.size} accounts\n${summary('features', tf)}\n${summary('profile update + link + key watch + score', tu)}\n${summary('total per request', both)}\nlargest profile: ${maxBytes} bytes of JSON (bound ${PROFILE_MAX_BYTES})\n`,
  );
}

once(false); // warm-up: JIT
once(true);
