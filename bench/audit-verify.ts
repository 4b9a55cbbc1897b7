/**
 * Verification speed: `node --import tsx bench/audit-verify.ts --backend postgres --n 1000000`.
 * Fills a fresh log with n entries (through the normal commit path, in large batches), signs a
 * checkpoint, then times a full `verify` (every leaf re-hashed, the tree recomputed, checkpoints checked).
 * `--keep` leaves the PostgreSQL schema (or PGlite folder) in place and prints its name; `--reuse NAME`
 * (with the same `--data DIR`, which holds the signing key) verifies a kept log again without refilling.
 * Drop a kept schema with `drop schema NAME cascade`.
 */
import { createAuditLog } from '../src/audit/log.js';
import { auditSchema } from '../src/config/audit.js';
import { arg, benchExchange, benchStore, cpuSeconds, tagPgConnections } from './audit-common.js';

const backend = arg('backend', 'postgres');
const n = Number(arg('n', '1000000'));
const reuse = arg('reuse', '');
const keep = process.argv.includes('--keep') || reuse !== '';
const dataArg = arg('data', '');
const appName = tagPgConnections();
const { store, dataDir, schema, drop } = await benchStore(backend, {
  schema: reuse || undefined,
  dataDir: dataArg || undefined,
  keep,
});
const log = await createAuditLog({
  config: auditSchema.parse({ batch_interval_ms: 60_000, batch_max_entries: 20_000, checkpoint_interval_s: 86_400 }),
  db: store.db,
  dataDir,
});
let fillS = 0;
if (!reuse) {
  const exchanges = Array.from({ length: 1000 }, (_, i) => benchExchange(i));
  const f0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    log.record(exchanges[i % 1000]!);
    if (i % 100_000 === 99_999) {
      await log.flush();
      if (i === n / 2 - 1) await log.checkpoint();
    }
  }
  await log.checkpoint();
  fillS = Number(process.hrtime.bigint() - f0) / 1e9;
}
const v0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const s0 = await cpuSeconds(store, appName);
const report = await log.verify();
const verifyS = Number(process.hrtime.bigint() - v0) / 1e9;
const cpu = process.cpuUsage(c0);
const s1 = await cpuSeconds(store, appName);
console.log(
  JSON.stringify({
    bench: 'audit-verify',
    backend,
    entries: report.size,
    checkpoints: report.checkpointsVerified,
    fill_s: fillS,
    fill_entries_per_s: fillS > 0 ? Math.round(n / fillS) : undefined,
    verify_s: verifyS,
    verify_entries_per_s: Math.round(report.size / verifyS),
    // CPU time of this process during verify: wall time minus it is waiting (database, other load).
    verify_cpu_s: (cpu.user + cpu.system) / 1e6,
    // CPU time of the PostgreSQL backends serving this process during verify.
    verify_server_cpu_s: Math.round((s1.server - s0.server) * 100) / 100,
    loadavg: (await import('node:os')).loadavg()[0],
    kept: keep ? { schema, data: dataDir } : undefined,
  }),
);
await log.close();
await drop();
