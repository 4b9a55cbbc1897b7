/**
 * Resident memory of the embedded database (issue 8): opens a PGlite data folder in a fresh process with
 * PostgreSQL's defaults or with the gateway's lean settings (src/store/db.ts), and prints RSS after open and
 * after a few thousand audit-sized inserts.
 *
 *   node --expose-gc --import tsx bench/hotpath-pglite-memory.ts [--inserts 5000]
 *
 * Each configuration runs in its own child process, so one does not inherit the other's heap.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_LEAN_SETTINGS } from '../src/store/db.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const INSERTS = Number(args.get('inserts') ?? process.env.PCX_BENCH_INSERTS ?? 5000);
const rss = () => process.memoryUsage().rss / 2 ** 20;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function child(dir: string, mode: string): Promise<void> {
  const settings = mode === 'lean' ? PGLITE_LEAN_SETTINGS : [];
  const base = rss();
  const pg = await PGlite.create(dir, {
    startParams: [...PGlite.defaultStartParams, ...settings.flatMap((s) => ['-c', s])],
  });
  gc();
  const open = rss();
  for (let i = 0; i < INSERTS; i++)
    await pg.query('insert into t (a, b) values ($1, $2)', [
      'x'.repeat(300),
      JSON.stringify({ i, s: 'y'.repeat(200) }),
    ]);
  gc();
  const loaded = rss();
  const sb = (await pg.query<{ sb: string }>(`select current_setting('shared_buffers') as sb`)).rows[0]!.sb;
  await pg.close();
  process.stdout.write(
    `${JSON.stringify({ mode, shared_buffers: sb, base: Math.round(base), open: Math.round(open), afterInserts: Math.round(loaded) })}\n`,
  );
}

async function main() {
  const [role, dir, mode] = process.argv.slice(2);
  if (role === 'child') return child(dir!, mode!);
  const root = mkdtempSync(join(tmpdir(), 'pcx-pglite-mem-'));
  const dataDir = join(root, 'pgdata');
  const init = await PGlite.create(dataDir);
  await init.exec('create table t (id serial primary key, a text, b jsonb)');
  await init.close();
  const rows = [
    '| settings | shared_buffers | RSS before open (MB) | after open (MB) | after inserts (MB) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const mode of ['default', 'lean', 'default', 'lean']) {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', process.argv[1]!, 'child', dataDir, mode],
      { encoding: 'utf8', env: { ...process.env, PCX_BENCH_INSERTS: String(INSERTS) } },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const m = JSON.parse(line) as {
      mode: string;
      shared_buffers: string;
      base: number;
      open: number;
      afterInserts: number;
    };
    rows.push(`| ${m.mode} | ${m.shared_buffers} | ${m.base} | ${m.open} | ${m.afterInserts} |`);
  }
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${INSERTS} inserts\n${rows.join('\n')}\n`);
}

await main();
