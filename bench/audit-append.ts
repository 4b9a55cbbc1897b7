/**
 * Audit append throughput: `node --import tsx bench/audit-append.ts --backend pglite|postgres --n 200000`.
 * Prints the cost of `record` on the request path, the sustained rate at which entries reach the
 * database (group commit, tree extension included), and the CPU time per entry of this process and of
 * the PostgreSQL backends serving it (`cpu_us_per_entry`): on a shared machine the wall-clock rate
 * depends on the others' load, the CPU cost does not (entries/s on an idle 2-core machine is bounded by
 * about 1e6 / max(node, server) µs when the two overlap).
 */
import { setImmediate as tick } from 'node:timers/promises';
import { createAuditLog } from '../src/audit/log.js';
import { auditSchema } from '../src/config/audit.js';
import { arg, benchExchange, benchStore, cpuSeconds, tagPgConnections } from './audit-common.js';

const backend = arg('backend', 'pglite');
const n = Number(arg('n', '200000'));
const content = arg('content', 'none');
const batch = Number(arg('batch', '10000'));
const appName = tagPgConnections();
const { store, dataDir, drop } = await benchStore(backend);
const log = await createAuditLog({
  config: auditSchema.parse({ batch_interval_ms: 20, batch_max_entries: batch, content: { default: content } }),
  db: store.db,
  dataDir,
});
const exchanges = Array.from({ length: 1000 }, (_, i) => benchExchange(i));

// Warm-up.
for (let i = 0; i < 2000; i++) log.record(exchanges[i % 1000]!);
await log.flush();

const cpu0 = await cpuSeconds(store, appName);
let recordNs = 0n;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  const s = process.hrtime.bigint();
  log.record(exchanges[i % 1000]!);
  recordNs += process.hrtime.bigint() - s;
  // Yield now and then, as a server does between requests, so the committer runs alongside.
  if (i % 500 === 499) await tick();
}
const recorded = process.hrtime.bigint();
await log.flush();
const t1 = process.hrtime.bigint();
const cpu1 = await cpuSeconds(store, appName);
const secs = Number(t1 - t0) / 1e9;
const perEntry = (s: number) => Math.round((s / n) * 1e7) / 10;
console.log(
  JSON.stringify({
    bench: 'audit-append',
    backend,
    content,
    batch,
    entries: n,
    record_us_mean: Number(recordNs / BigInt(n)) / 1000,
    recording_s: Number(recorded - t0) / 1e9,
    total_s: secs,
    entries_per_s: Math.round(n / secs),
    cpu_us_per_entry: { node: perEntry(cpu1.node - cpu0.node), server: perEntry(cpu1.server - cpu0.server) },
    loadavg: (await import('node:os')).loadavg()[0],
  }),
);
await log.close();
await drop();
