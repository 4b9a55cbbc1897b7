import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { type AuditConfig, auditSchema } from '../../src/config/audit.js';
import { createExchange, type Exchange } from '../../src/core/exchange.js';
import type { Finding } from '../../src/core/findings.js';
import { openStore, type Store } from '../../src/store/db.js';
import * as m002 from '../../src/store/migrations/002_audit.js';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Only the audit migration: the tests must not depend on other subsystems' tables. */
const MIGRATIONS = { '002_audit': m002 };

export interface TestDb {
  store: Store;
  dataDir: string;
  /** Raw SQL for tamper tests (bypasses the log). */
  exec(sql: string, params?: unknown[]): Promise<unknown[]>;
  schema?: string;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'pcx-audit-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh database: PGlite in a temp folder, or a fresh schema on the machine's PostgreSQL. */
export async function openTestDb(kind: Backend, opts: { dataDir?: string; schema?: string } = {}): Promise<TestDb> {
  const dataDir = opts.dataDir ?? tempDir();
  if (kind === 'pglite') {
    const store = await openStore({ dataDir, migrations: MIGRATIONS });
    return {
      store,
      dataDir,
      exec: async (text, params = []) => (await sql.raw(substitute(text, params)).execute(store.db)).rows as unknown[],
      cleanup: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = opts.schema ?? `audit_t_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ dataDir, databaseUrl: PG_URL, schema, migrations: MIGRATIONS, poolSize: 4 });
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    store,
    dataDir,
    schema,
    exec: async (text, params = []) => (await client.query(text, params)).rows,
    cleanup: async () => {
      await store.close();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** PGlite's dialect runs raw SQL without parameters here; values in tamper tests are simple literals. */
function substitute(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, i) => {
    const v = params[Number(i) - 1];
    if (typeof v === 'number') return String(v);
    if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}

export function testConfig(over: Record<string, unknown> = {}): AuditConfig {
  return auditSchema.parse({ origin: 'portcullis.test/audit', batch_interval_ms: 5, ...over });
}

export function makeExchange(
  n: number,
  opts: { tenant?: string; subject?: string; prompt?: string; answer?: string; findings?: Finding[] } = {},
): Exchange {
  const ex = createExchange({
    id: `req_${n}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: {
      ip: '203.0.113.7',
      userAgent: 'test',
      headers: opts.subject ? { 'x-portcullis-subject': opts.subject } : {},
    },
    signal: new AbortController().signal,
    request: {
      kind: 'chat',
      chat: {
        model: 'gpt-test',
        system: ['be brief'],
        messages: [{ role: 'user', content: [{ type: 'text', text: opts.prompt ?? `question ${n}` }] }],
        stream: false,
        extra: {},
        extraDialect: 'openai',
      },
    },
  });
  ex.principal = { tenant: opts.tenant ?? 'acme', keyId: 'key_abc123', models: null };
  ex.upstream = { provider: 'openai', upstreamModel: 'gpt-4o-mini', region: 'eu', status: 200, attempts: 1 };
  ex.usage = { inputTokens: 12, outputTokens: 34 };
  ex.status = 200;
  ex.result = {
    kind: 'chat',
    response: {
      id: 'r',
      model: 'gpt-test',
      text: opts.answer ?? `answer ${n}`,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 34 },
      extra: {},
      extraDialect: 'openai',
    },
  };
  for (const f of opts.findings ?? []) ex.findings.push(f);
  ex.decisions.push({ stage: 'inspect', action: 'allow', reasons: ['no findings'] });
  return ex;
}

/** Empties the audit tables and local audit files (keeps the signing key and KEK). */
export async function resetAudit(t: TestDb): Promise<void> {
  await t.exec('delete from audit_entries');
  await t.exec('delete from audit_head');
  await t.exec('delete from audit_checkpoints');
  await t.exec('delete from audit_keys');
  await t.exec('delete from audit_journal_marks');
  rmSync(join(t.dataDir, 'audit', 'journal'), { recursive: true, force: true });
}
