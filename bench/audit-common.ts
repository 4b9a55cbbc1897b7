import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createExchange, type Exchange } from '../src/core/exchange.js';
import { openStore, type Store } from '../src/store/db.js';
import * as m002 from '../src/store/migrations/002_audit.js';

const MIGRATIONS = { '002_audit': m002 };

export const PG_URL = process.env.PORTCULLIS_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

/** A fresh database for a bench run: PGlite in a temp folder or a throw-away PostgreSQL schema. */
export async function benchStore(
  backend: string,
  opts: { dataDir?: string; schema?: string; keep?: boolean } = {},
): Promise<{ store: Store; dataDir: string; schema?: string; drop(): Promise<void> }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pcx-bench-audit-'));
  if (backend === 'pglite') {
    const store = await openStore({ dataDir, migrations: MIGRATIONS });
    return { store, dataDir, drop: () => store.close() };
  }
  const schema = opts.schema ?? `bench_audit_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ dataDir, databaseUrl: PG_URL, schema, migrations: MIGRATIONS });
  return {
    store,
    dataDir,
    schema,
    drop: async () => {
      await store.close();
      if (opts.keep) return;
      const c = new pg.Client(PG_URL);
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

/** A typical exchange: one finding, one decision, usage, upstream; about 600 bytes as an entry. */
export function benchExchange(i: number): Exchange {
  const ex = createExchange({
    id: `req_${i.toString(36)}_${'x'.repeat(12)}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '198.51.100.23', userAgent: 'bench', headers: {} },
    signal: new AbortController().signal,
    request: {
      kind: 'chat',
      chat: {
        model: 'gpt-4o-mini',
        system: [],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
        stream: false,
        extra: {},
        extraDialect: 'openai',
      },
    },
  });
  ex.principal = { tenant: `tenant${i % 10}`, keyId: 'key_0123456789abcdef', models: null };
  ex.upstream = {
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    region: 'eu-west',
    status: 200,
    attempts: 1,
  };
  ex.usage = { inputTokens: 120 + (i % 50), outputTokens: 300 + (i % 70) };
  ex.status = 200;
  ex.findings.push({
    detector: 'pii.email',
    category: 'pii',
    score: 0.92,
    start: 10,
    end: 31,
    where: 'request:messages.0.content',
    reason: 'pattern+validator',
  });
  ex.decisions.push({
    stage: 'inspect_request',
    action: 'redact',
    detector: 'pii.email',
    score: 0.92,
    reasons: ['pii.email redacted'],
  });
  return ex;
}

/**
 * CPU seconds used so far by this process and by the PostgreSQL backends serving it (found by the
 * application_name that `tagPgConnections` gives them; Linux /proc). Wall-clock rates on a machine shared
 * with other work say little; CPU per entry, client and server, does not depend on the others' load.
 */
export function tagPgConnections(): string {
  const name = `pcx-bench-${process.pid}`;
  process.env.PGAPPNAME = name;
  return name;
}

export async function cpuSeconds(store: Store, appName: string): Promise<{ node: number; server: number }> {
  const u = process.cpuUsage();
  let server = 0;
  if (store.kind === 'postgres') {
    const r = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = ${appName}`.execute(
      store.db,
    );
    const tick = 100; // USER_HZ
    for (const { pid } of r.rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        server += (Number(f[11]) + Number(f[12])) / tick;
      } catch {
        // The backend is gone or on another host: not counted.
      }
    }
  }
  return { node: (u.user + u.system) / 1e6, server };
}
