/**
 * Plumbing for the scale-out tests: building the CLI once, spawning real gateway processes, a throwaway
 * PostgreSQL database per run, a private redis-server, and a TCP proxy that can cut a connection on demand.
 * Everything started here is registered so `afterAll` can stop it even when a test fails half-way.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PG_URL = process.env.PORTCULLIS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.PORTCULLIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'pca_scale_test_admin_token_0123456789';
/** The CLI the tests spawn; PORTCULLIS_TEST_CLI runs them against another build (e.g. an installed package). */
export const CLI = process.env.PORTCULLIS_TEST_CLI ?? join(ROOT, 'bin/portcullis.js');

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function tempDir(prefix = 'pcx-scale-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Polls `check` until it returns a value (not undefined), or throws `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/ holds a build at least as new as src/. Several test files may ask at once (vitest runs
 * files in parallel processes), so the build runs under a lock folder and the others wait for it. Type
 * errors elsewhere do not stop tsc from emitting, so success is judged by the output, not the exit code.
 */
export async function ensureBuilt(): Promise<void> {
  if (process.env.PORTCULLIS_TEST_CLI) return;
  const main = join(ROOT, 'dist/cli/main.js');
  const fresh = () => existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(ROOT, 'src'));
  if (fresh()) return;
  const lock = join(tmpdir(), 'pcx-scale-build.lock');
  const until = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      if (Date.now() > until) throw new Error(`another build holds ${lock} for too long`);
      await sleep(500);
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const started = Date.now();
    // Asynchronous: a build takes a minute on a busy machine, and the test worker must keep answering vitest.
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise<void>((r) => child.once('exit', () => r()));
    if (!existsSync(main) || statSync(main).mtimeMs < started - 1000) {
      throw new Error(`the build (tsc -p tsconfig.build.json) produced no dist/cli/main.js:\n${out.slice(0, 4000)}`);
    }
  } finally {
    rmdirSync(lock);
  }
}

/** A fresh PostgreSQL database for one test file (the CLI always uses the `public` schema of its URL). */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pcx_scale_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface GatewayProcess {
  base: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `node bin/portcullis.js serve` and resolves once it prints its address. */
export async function spawnGateway(opts: {
  config: Record<string, unknown>;
  dataDir: string;
  env?: Record<string, string>;
}): Promise<GatewayProcess> {
  const configPath = join(opts.dataDir, 'config.yaml');
  mkdirSync(opts.dataDir, { recursive: true });
  // JSON is YAML, and needs no YAML writer.
  writeFileSync(configPath, JSON.stringify(opts.config, null, 2));
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--config', configPath, '--data-dir', opts.dataDir, '--port', '0'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORTCULLIS_ADMIN_TOKEN: ADMIN_TOKEN,
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    const base = await waitUntil(
      'the gateway to listen',
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${out}`);
        return /Portcullis listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
      },
      90_000,
    );
    return { base, child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- gateway output ---\n${out}`);
  }
}

export async function adminPost(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/admin/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface ChatResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One OpenAI-dialect chat completion; never throws on an HTTP error status. */
export async function chat(
  base: string,
  key: string,
  model: string,
  opts: { headers?: Record<string, string>; maxTokens?: number; text?: string; signal?: AbortSignal } = {},
): Promise<ChatResult> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: opts.text ?? 'hello there' }],
      ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
    }),
    signal: opts.signal,
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** A port nobody listens on right now (bound then released), for a server started later. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface RedisChild {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A private redis-server on `port` with no persistence: stopping it loses every counter, as a crash would. */
export async function startRedis(port: number): Promise<RedisChild> {
  let child: ChildProcess | undefined;
  let out = '';
  const start = async () => {
    out = '';
    const c = spawn(
      'redis-server',
      // DEBUG SLEEP (a slow Redis) needs the debug command, allowed for local connections only.
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--enable-debug-command',
        'local',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child = c;
    await waitUntil(
      `redis-server on port ${port}`,
      async () => {
        if (c.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
        return /Ready to accept connections/.test(out) ? true : undefined;
      },
      30_000,
    );
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

/**
 * A TCP proxy in front of a server: `cut()` destroys every connection and refuses new ones (as a network
 * partition or a database restart would look to the client); `restore()` lets connections through again.
 */
export interface CuttableProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  let open = true;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
