/**
 * Hot-path benchmark (issue 8): Portcullis with the default pipeline, Portcullis with guards off, Portkey's
 * open-source gateway and a bare undici proxy, all in front of the same fake OpenAI upstream, measured in
 * one run with the targets alternating round by round.
 *
 *   npm run build && npm run bench -- [--rounds 3] [--seconds 8] [--streams 1000]
 *     [--postgres postgres://postgres@127.0.0.1:5432/test]
 *
 * `--postgres URL` adds the default pipeline with its store in PostgreSQL instead of the embedded PGlite
 * (a scratch database is created through URL and dropped at the end), and measures the 1,000 streams
 * on both shapes.
 *
 * Prints a Markdown table; docs/benchmarks.md keeps the results with the machine and the command.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool, request } from 'undici';
import { openStore } from '../src/store/db.js';
import { createKey } from '../src/store/keys.js';
import { createTenant } from '../src/store/tenants.js';
import { type Child, median, percentile, rssMb, sleep, startChild } from './lib.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const ROUNDS = Number(args.get('rounds') ?? 3);
const SECONDS = Number(args.get('seconds') ?? 8);
const STREAMS = Number(args.get('streams') ?? 1000);
const SEQUENTIAL = Number(args.get('sequential') ?? 1500);
/** The gateway's entry point: `--bin DIR/bin/portcullis.js` benchmarks a build made elsewhere (tsc --outDir). */
const BIN = args.get('bin') ?? 'bin/portcullis.js';
const POSTGRES = args.get('postgres');

const PROMPT = `Summarise the following release notes for a customer newsletter in three short paragraphs. ${'The new version improves start-up time, adds a dark theme, fixes several crashes on older devices and updates the translations for twelve languages. '.repeat(5)}`;
const body = (stream: boolean) =>
  JSON.stringify({
    model: 'bench-model',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for a software company. Answer clearly and briefly.' },
      { role: 'user', content: PROMPT },
    ],
    max_tokens: 400,
    stream,
  });

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  pid: number | undefined;
  child?: Child;
}

const TSX = ['--import', 'tsx'];
const started: Child[] = [];
async function spawnTracked(...a: Parameters<typeof startChild>): Promise<Child> {
  const c = await startChild(...a);
  started.push(c);
  return c;
}

async function startUpstream(delayMs?: number): Promise<{ child: Child; url: string }> {
  const child = await spawnTracked(process.execPath, [
    ...TSX,
    'bench/upstream.ts',
    '0',
    ...(delayMs ? [String(delayMs)] : []),
  ]);
  return { child, url: (JSON.parse(child.firstLine) as { url: string }).url };
}

async function startPortcullis(
  name: string,
  upstreamUrl: string,
  port: number,
  guards: boolean,
  databaseUrl?: string,
): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-bench-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'server: { log_level: warn, body_limit: 4194304 }',
      'providers:',
      `  - { name: up, type: openai, base_url: "${upstreamUrl}", region: eu }`,
      'models:',
      '  - { name: bench-model, provider: up, model: fake }',
      guards ? 'guards: {}' : 'guards: { enabled: false }',
      ...(databaseUrl ? [`storage: { database_url: "${databaseUrl}" }`] : []),
    ].join('\n'),
  );
  const store = await openStore({ dataDir: join(dir, 'data'), databaseUrl });
  // One tenant per target: two targets may share the PostgreSQL store.
  await createTenant(store.db, { id: `bench_${port}` });
  const { key } = await createKey(store.db, { tenant: `bench_${port}` });
  await store.close();
  const child = await spawnTracked(
    process.execPath,
    [BIN, 'serve', '--config', config, '--data-dir', join(dir, 'data'), '--port', String(port)],
    { ready: /listening/, stderrReady: true, env: { PORTCULLIS_ADMIN_TOKEN: 'pca_bench_admin_token_000000' } },
  );
  const stop = child.stop;
  child.stop = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    name,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { authorization: `Bearer ${key}` },
    pid: child.proc.pid,
    child,
  };
}

async function startPortkey(upstreamUrl: string, port: number): Promise<Target> {
  const child = await spawnTracked(
    process.execPath,
    ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${port}`, '--headless'],
    {
      ready: /Ready|listening|running|port/i,
    },
  ).catch(async () =>
    spawnTracked(
      process.execPath,
      ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${port}`, '--headless'],
      { ready: /./, stderrReady: true },
    ),
  );
  await sleep(500);
  return {
    name: 'Portkey gateway 1.15.2',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { authorization: 'Bearer unused', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl },
    pid: child.proc.pid,
    child,
  };
}

async function startBare(upstreamUrl: string, port: number): Promise<Target> {
  const origin = new URL(upstreamUrl).origin;
  const child = await spawnTracked(process.execPath, [...TSX, 'bench/bare-proxy.ts', String(port), origin], {
    ready: /ready/,
  });
  return {
    name: 'bare undici proxy',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {},
    pid: child.proc.pid,
    child,
  };
}

async function throughput(t: Target, connections: number): Promise<{ rps: number; errors: number }> {
  const r = await autocannon({
    url: t.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.headers },
    body: body(false),
    connections,
    duration: SECONDS,
  });
  return { rps: r.requests.average, errors: r.non2xx + r.errors };
}

/** Sequential requests at concurrency 1: per-request latency in ms, and time to first byte for streams. */
async function sequential(t: Target, stream: boolean, n: number): Promise<number[]> {
  const u = new URL(t.url);
  const pool = new Pool(u.origin, { connections: 1 });
  const out: number[] = [];
  const payload = body(stream);
  try {
    for (let i = 0; i < n + 50; i++) {
      const start = process.hrtime.bigint();
      const res = await pool.request({
        method: 'POST',
        path: u.pathname,
        headers: { 'content-type': 'application/json', ...t.headers },
        body: payload,
      });
      if (res.statusCode !== 200) throw new Error(`${t.name}: status ${res.statusCode}: ${await res.body.text()}`);
      let first = 0n;
      for await (const _ of res.body) {
        if (first === 0n) first = process.hrtime.bigint();
      }
      const end = process.hrtime.bigint();
      if (i >= 50) out.push(Number((stream ? first : end) - start) / 1e6);
    }
  } finally {
    await pool.close();
  }
  return out.sort((a, b) => a - b);
}

async function concurrentStreams(t: Target, n: number): Promise<{ rssMb: number; opened: number }> {
  const u = new URL(t.url);
  const pool = new Pool(u.origin, { connections: n });
  const ac = new AbortController();
  // One signal shared by every stream of the run: not a leak.
  setMaxListeners(n + 10, ac.signal);
  let opened = 0;
  const all = Array.from({ length: n }, async () => {
    try {
      const res = await pool.request({
        method: 'POST',
        path: u.pathname,
        headers: { 'content-type': 'application/json', ...t.headers },
        body: body(true),
        signal: ac.signal,
      });
      for await (const _ of res.body) {
        opened++;
        break;
      }
      await res.body.dump().catch(() => undefined);
    } catch {}
  });
  const deadline = Date.now() + 30_000;
  while (opened < n && Date.now() < deadline) await sleep(100);
  await sleep(500);
  const rss = rssMb(t.pid!);
  ac.abort();
  await Promise.allSettled(all);
  await pool.destroy();
  return { rssMb: rss, opened };
}

const PG_NAME = 'Portcullis, default pipeline, PostgreSQL store';

/** A fresh database next to the one `adminUrl` names, so the run starts empty and leaves nothing behind. */
async function scratchDatabase(adminUrl: string): Promise<string> {
  const name = `pcx_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropScratchDatabase(adminUrl: string, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  } finally {
    await client.end();
  }
}

async function main() {
  const fast = await startUpstream();
  const slow = await startUpstream(300);
  const direct: Target = {
    name: 'upstream directly',
    url: `${fast.url}/chat/completions`,
    headers: {},
    pid: fast.child.proc.pid,
  };
  const pgUrl = POSTGRES ? await scratchDatabase(POSTGRES) : undefined;
  const targets = [
    await startPortcullis('Portcullis, default pipeline', fast.url, 18501, true),
    ...(pgUrl ? [await startPortcullis(PG_NAME, fast.url, 18506, true, pgUrl)] : []),
    await startPortcullis('Portcullis, guards off', fast.url, 18502, false),
    await startPortkey(fast.url, 18503),
    await startBare(fast.url, 18504),
  ];
  for (const t of targets) {
    const probe = await request(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.headers },
      body: body(false),
    });
    const text = await probe.body.text();
    if (probe.statusCode !== 200) throw new Error(`${t.name} answered ${probe.statusCode}: ${text.slice(0, 300)}`);
  }
  const idleRss = new Map(targets.map((t) => [t.name, rssMb(t.pid!)]));
  const rps = new Map<string, number[]>();
  const errors = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const r = await throughput(t, 32);
      rps.set(t.name, [...(rps.get(t.name) ?? []), r.rps]);
      errors.set(t.name, (errors.get(t.name) ?? 0) + r.errors);
      process.stderr.write(`round ${round + 1} ${t.name}: ${r.rps.toFixed(0)} req/s (${r.errors} errors)\n`);
    }
  }
  const lat = new Map<string, { p50: number; p99: number; ttft50: number; ttft99: number }>();
  const notes: string[] = [];
  for (const t of [direct, ...targets]) {
    const l = await sequential(t, false, SEQUENTIAL);
    const s = await sequential(t, true, Math.round(SEQUENTIAL / 3)).catch((err: Error) => {
      notes.push(`${t.name}: streamed requests failed (${err.message.slice(0, 160)})`);
      return [] as number[];
    });
    lat.set(t.name, {
      p50: percentile(l, 50),
      p99: percentile(l, 99),
      ttft50: percentile(s, 50),
      ttft99: percentile(s, 99),
    });
    process.stderr.write(
      `latency ${t.name}: p50 ${percentile(l, 50).toFixed(3)} ms p99 ${percentile(l, 99).toFixed(3)} ms\n`,
    );
  }
  const rss = new Map(targets.map((t) => [t.name, rssMb(t.pid!)]));
  await Promise.all(targets.map((t) => t.child!.stop()));

  const streamTarget = await startPortcullis('Portcullis, default pipeline (slow streams)', slow.url, 18505, true);
  const streams = await concurrentStreams(streamTarget, STREAMS);
  await streamTarget.child!.stop();
  let pgStreams: { rssMb: number; opened: number } | undefined;
  if (pgUrl) {
    const pgTarget = await startPortcullis(`${PG_NAME} (slow streams)`, slow.url, 18507, true, pgUrl);
    pgStreams = await concurrentStreams(pgTarget, STREAMS);
    await pgTarget.child!.stop();
    await dropScratchDatabase(POSTGRES!, pgUrl);
  }
  await fast.child.stop();
  await slow.child.stop();

  const d = lat.get(direct.name)!;
  const bare = median(rps.get('bare undici proxy')!);
  const portkey = median(rps.get('Portkey gateway 1.15.2')!);
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ${ROUNDS} rounds × ${SECONDS} s per target, alternating.`,
    '',
    '| target | req/s at c=32 (median of rounds) | × Portkey | % of bare proxy | added p50 at c=1 (ms) | added p99 at c=1 (ms) | added TTFT p50 (ms) | RSS after run (MB) | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const t of targets) {
    const r = median(rps.get(t.name)!);
    const l = lat.get(t.name)!;
    lines.push(
      `| ${t.name} | ${r.toFixed(0)} | ${(r / portkey).toFixed(1)} | ${((100 * r) / bare).toFixed(0)}% | ${(l.p50 - d.p50).toFixed(3)} | ${(l.p99 - d.p99).toFixed(3)} | ${(l.ttft50 - d.ttft50).toFixed(3)} | ${rss.get(t.name)!.toFixed(0)} | ${errors.get(t.name)} |`,
    );
  }
  lines.push(
    '',
    `Upstream directly: p50 ${d.p50.toFixed(3)} ms, p99 ${d.p99.toFixed(3)} ms, TTFT p50 ${d.ttft50.toFixed(3)} ms.`,
    `RSS idle (after one request): ${targets.map((t) => `${t.name} ${idleRss.get(t.name)!.toFixed(0)} MB`).join(', ')}.`,
    `Portcullis (default pipeline) with ${streams.opened} of ${STREAMS} concurrent streams open: RSS ${streams.rssMb.toFixed(0)} MB.`,
    ...(pgStreams
      ? [
          `${PG_NAME} with ${pgStreams.opened} of ${STREAMS} concurrent streams open: RSS ${pgStreams.rssMb.toFixed(0)} MB.`,
        ]
      : []),
    ...notes.map((n) => `Note: ${n}`),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  // Do not leave the upstreams and targets running (they would hold the ports of the next run).
  for (const c of started) c.proc.kill('SIGKILL');
  process.exit(1);
});
