/**
 * CPU profile of the gateway under load (issue 8): starts the fake upstream and `portcullis serve` with
 * `--cpu-prof`, loads it with autocannon, stops it, and summarises the profile by self time (per function
 * and per area: our source directories, each npm package, Node internals, GC).
 *
 *   npm run build && node --import tsx bench/hotpath-profile.ts [--seconds 10] [--connections 32]
 *     [--guards on|off] [--stream off|on] [--top 40] [--bin bin/portcullis.js] [--keep DIR]
 *
 * Or summarise an existing profile: node --import tsx bench/hotpath-profile.ts --summarise FILE.cpuprofile
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openStore } from '../src/store/db.js';
import { createKey } from '../src/store/keys.js';
import { createTenant } from '../src/store/tenants.js';
import { rssMb, sleep, startChild } from './lib.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const SECONDS = Number(args.get('seconds') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 32);
const GUARDS = (args.get('guards') ?? 'on') !== 'off';
const STREAM = (args.get('stream') ?? 'off') === 'on';
const TOP = Number(args.get('top') ?? 40);
const BIN = args.get('bin') ?? 'bin/portcullis.js';

const PROMPT = `Summarise the following release notes for a customer newsletter in three short paragraphs. ${'The new version improves start-up time, adds a dark theme, fixes several crashes on older devices and updates the translations for twelve languages. '.repeat(5)}`;
const BODY = JSON.stringify({
  model: 'bench-model',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for a software company. Answer clearly and briefly.' },
    { role: 'user', content: PROMPT },
  ],
  max_tokens: 400,
  stream: STREAM,
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return `npm ${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const m = /\/(?:dist|src)\/(.+)\/[^/]+$/.exec(url);
  if (m) return `ours ${m[1]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * `window` (µs of the monotonic clock V8 stamps profiles with, the same as process.hrtime) keeps only the
 * samples taken under load, so start-up (module compilation, migrations) and shutdown are left out.
 */
export function summarise(file: string, top: number, window?: [number, number]): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window[0] || t > window[1])) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
    total += dt;
  }
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') idle += us;
    const short = url.replace(/^.*\/(node_modules\/|dist\/|src\/)/, '$1');
    const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  // Inclusive time of our own functions (each counted once per sample even if recursive).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url, lineNumber } = byId.get(cur)!.callFrame;
      if (!/\/(dist|src)\//.test(url) || url.includes('node_modules')) continue;
      const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|src)\//, '$1/')}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  const lines = [`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`, ''];
  lines.push('by area (share of busy time):');
  for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 30))
    if (a !== '(idle)') lines.push(`  ${pct(us).padStart(6)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${a}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top))
    if (!f.startsWith('(idle)')) lines.push(`  ${pct(us).padStart(6)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${f}`);
  lines.push('', `top ${top} of our functions by inclusive time (synchronous stacks only):`);
  for (const [f, us] of [...incl].sort((x, y) => y[1] - x[1]).slice(0, top))
    lines.push(`  ${pct(us).padStart(6)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${f}`);
  return lines.join('\n');
}

async function main() {
  if (args.has('summarise')) {
    process.stdout.write(`${summarise(args.get('summarise')!, TOP)}\n`);
    return;
  }
  const dir = args.get('keep') ?? mkdtempSync(join(tmpdir(), 'pcx-prof-'));
  mkdirSync(dir, { recursive: true });
  const up = await startChild(process.execPath, ['--import', 'tsx', 'bench/upstream.ts', '0']);
  const upstreamUrl = (JSON.parse(up.firstLine) as { url: string }).url;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'server: { log_level: warn, body_limit: 4194304 }',
      'providers:',
      `  - { name: up, type: openai, base_url: "${upstreamUrl}", region: eu }`,
      'models:',
      '  - { name: bench-model, provider: up, model: fake }',
      GUARDS ? 'guards: {}' : 'guards: { enabled: false }',
    ].join('\n'),
  );
  const store = await openStore({ dataDir: join(dir, 'data') });
  await createTenant(store.db, { id: 'bench' });
  const { key } = await createKey(store.db, { tenant: 'bench' });
  await store.close();
  const profDir = join(dir, 'prof');
  const port = 18600 + Math.floor(Math.random() * 300);
  const gw = await startChild(
    process.execPath,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      profDir,
      BIN,
      'serve',
      '--config',
      config,
      '--data-dir',
      join(dir, 'data'),
      '--port',
      String(port),
    ],
    { ready: /listening/, stderrReady: true, env: { PORTCULLIS_ADMIN_TOKEN: 'pca_bench_admin_token_000000' } },
  );
  const idleRss = rssMb(gw.proc.pid!);
  const opts = {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: BODY,
    connections: CONNECTIONS,
  };
  await autocannon({ ...opts, duration: 2 }); // warm-up
  const from = Number(process.hrtime.bigint() / 1000n);
  const r = await autocannon({ ...opts, duration: SECONDS });
  const to = Number(process.hrtime.bigint() / 1000n);
  const loadedRss = rssMb(gw.proc.pid!);
  await sleep(300);
  await gw.stop();
  await up.stop();
  process.stdout.write(
    `${r.requests.average.toFixed(0)} req/s at c=${CONNECTIONS} (${r.non2xx + r.errors} errors), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms; RSS idle ${idleRss.toFixed(0)} MB, after load ${loadedRss.toFixed(0)} MB\n\n`,
  );
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) process.stdout.write(`${summarise(join(profDir, f), TOP, [from, to])}\n`);
  if (!args.has('keep')) rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
