/**
 * Cost of persisting the stolen-key watch (issue 11), off the request path:
 *   node --import tsx bench/keywatch-store.ts --backend pglite|postgres --keys 10000
 * Builds one key state filled to its bounds (every table full), writes it for `keys` keys as one sync
 * would (batched upserts), then reads them all back and restores them as a starting process does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { extractFeatures } from '../src/extraction/features/extract.js';
import { keyStatesSince, saveKeyStates } from '../src/extraction/keywatch/store.js';
import { type KeyRecord, KeyState, KeyWatch } from '../src/extraction/keywatch/watch.js';
import { openStore } from '../src/store/db.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}
const backend = arg('backend', 'pglite');
const nKeys = Number(arg('keys', '10000'));
const PG_URL = process.env.PORTCULLIS_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

// One state at its size bound: a warm picture, then requests that differ on every feature.
const st = new KeyState(1, { share: 0.05, threshold: 14, maxLlr: 8 }, 300);
for (let i = 0; i < 3000; i++) {
  const distinct = i >= 300;
  st.observe(
    extractFeatures({
      ts: Date.parse('2026-11-01T00:00:00Z') + i * 1000,
      account: 'bench',
      key: 'key_bench',
      ip: distinct ? `${(i * 37) % 223}.${(i * 13) % 255}.${i % 255}.9` : '203.0.113.7',
      userAgent: distinct ? `agent-${i}` : 'OpenAI/JS 4.73.0',
      body: {
        model: 'm',
        messages: [
          { role: 'system', content: distinct ? `persona ${i}` : 'You are the support assistant.' },
          { role: 'user', content: `question ${i} `.repeat(1 + (i % 9)) },
        ],
        max_tokens: distinct ? i : 800,
      },
      path: '/v1/chat/completions',
    }),
  );
}
const state = st.toJSON();
const bytes = JSON.stringify(state).length;
const records: KeyRecord[] = Array.from({ length: nKeys }, (_, i) => ({
  id: `tenant-${i % 500}\u001f${i}`,
  account: `tenant-${i % 500}`,
  flagged: i % 100 === 0,
  requests: state.p.n as number,
  state,
}));

const dataDir = mkdtempSync(join(tmpdir(), 'pcx-bench-kw-'));
const schema = `bench_kw_${process.pid}`;
const store =
  backend === 'pglite'
    ? await openStore({ dataDir })
    : await openStore({ dataDir, databaseUrl: PG_URL, schema, poolSize: 4 });
try {
  const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
  let t = process.hrtime.bigint();
  await saveKeyStates(store.db, 'bench', records);
  const insertMs = ms(t);
  t = process.hrtime.bigint();
  await saveKeyStates(store.db, 'bench', records);
  const updateMs = ms(t);
  t = process.hrtime.bigint();
  const rows = await keyStatesSince(store.db);
  const readMs = ms(t);
  t = process.hrtime.bigint();
  const w = new KeyWatch(nKeys + 1);
  for (const r of rows) w.merge(r.id, r.account, r.state);
  const restoreMs = ms(t);
  console.log(
    JSON.stringify({
      backend,
      keys: nKeys,
      bytesPerKey: bytes,
      firstWriteMs: Math.round(insertMs),
      rewriteMs: Math.round(updateMs),
      readAllMs: Math.round(readMs),
      restoreMs: Math.round(restoreMs),
      perKeyWriteUs: Math.round((updateMs * 1000) / nKeys),
      restored: w.size,
    }),
  );
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (backend !== 'pglite') {
    const c = new pg.Client(PG_URL);
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  }
}
