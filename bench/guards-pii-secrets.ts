/**
 * Speed of every PII and secrets detector on one text: median and p99 over a realistic 4 KB prompt (prose,
 * code with config, a log excerpt, a few planted values), and the time on 1 MB to show linear growth.
 *   npx tsx bench/guards-pii-secrets.ts
 */
import { detectPii, piiDetectors } from '../src/guards/pii/index.js';
import { detectSecrets, secretsDetectors } from '../src/guards/secrets/index.js';

const ctx = { role: 'user' as const };

const PARTS = [
  'Hi team, I am trying to debug our deployment pipeline. The service started failing after we upgraded to version 2.14.3 last night. ',
  'Here is the config we use (I removed most of it):\n\n```yaml\nserver:\n  port: 8080\n  host: 0.0.0.0\ndatabase:\n  pool: 20\n  timeout_ms: 5000\n```\n\n',
  'And the code that reads it:\n\n```ts\nexport async function load(path: string): Promise<Config> {\n  const raw = await readFile(path, "utf8");\n  const parsed = YAML.parse(raw) as Config;\n  if (parsed.database.pool > 100) throw new Error("pool too large");\n  return parsed;\n}\n```\n\n',
  '2024-05-14T10:22:31.120Z INFO  request id=7f3c2a91 method=GET path=/api/v1/orders/88213 status=200 duration=12ms\n',
  '2024-05-14T10:22:31.554Z WARN  retrying upstream call attempt=2 backoff=200ms commit=3f786850e387550fdab836ed7e6dc881de23001b\n',
  'Customer wrote: "Please call me back, my number is +44 20 7946 0958 or email jane.roe@example.org." ',
  'The order 4412 was shipped on 14/05/2024; invoice INV-2024-0511 total 1,249.00 EUR. ',
  'Can you explain why the retry logic does not respect the max backoff, and suggest a fix that keeps the API stable? ',
  'We also see errors like ECONNRESET from 10.2.3.4 and timeouts when the pool is exhausted under load. ',
];

function makeText(size: number): string {
  let s = '';
  let i = 0;
  while (s.length < size) s += PARTS[i++ % PARTS.length];
  return s.slice(0, size);
}

function runAll(text: string): number {
  return detectPii(text, ctx).length + detectSecrets(text, ctx).length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const text4k = makeText(4096);
for (let i = 0; i < 2000; i++) runAll(text4k); // warm-up: JIT and regex compilation
const samples: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t0 = process.hrtime.bigint();
  runAll(text4k);
  samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
samples.sort((a, b) => a - b);
// CPU time of the process over a batch: on a shared, loaded machine wall-clock samples include time spent
// descheduled, so both are printed.
const cpu0 = process.cpuUsage();
for (let i = 0; i < 2000; i++) runAll(text4k);
const cpu = process.cpuUsage(cpu0);
console.log(`detectors: ${piiDetectors.length} pii + ${secretsDetectors.length} secrets`);
console.log(
  `4 KB prompt: wall median ${percentile(samples, 50).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms; ` +
    `CPU ${((cpu.user + cpu.system) / 1000 / 2000).toFixed(3)} ms per scan (findings: ${runAll(text4k)})`,
);

// Per-detector cost on the 4 KB text, to show where the time goes.
const per: [string, number][] = [];
for (const d of [...piiDetectors, ...secretsDetectors]) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 500; i++) d.detect(text4k, ctx);
  per.push([d.name, Number(process.hrtime.bigint() - t0) / 1e6 / 500]);
}
per.sort((a, b) => b[1] - a[1]);
console.log(
  `slowest detectors (ms per 4 KB): ${per
    .slice(0, 8)
    .map(([n, t]) => `${n} ${t.toFixed(4)}`)
    .join(', ')}`,
);

// Large texts: the median of five runs each (a single run is dominated by garbage collection of the
// previous size's findings and looked superlinear: 2.9 / 11.2 / 40.0 ms for 256 / 512 / 1024 KB).
for (const size of [128 * 1024, 256 * 1024, 512 * 1024, 1024 * 1024, 2048 * 1024]) {
  const t = makeText(size);
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    n = runAll(t);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${size / 1024} KB: median ${percentile(times, 50).toFixed(1)} ms of 5 runs (${n} findings)`);
}
