import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/log.js';
import { BACKENDS, openTestDb, PG_URL, type TestDb, tempDir, testConfig } from './helpers.js';

/** Runs the child until it has acknowledged `atLeast` entries, then SIGKILLs it; returns the acknowledged count. */
function runAndKill(args: string[], atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'crash-child.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let tail = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d: Buffer) => {
      const lines = (tail + d.toString()).split('\n');
      tail = lines.pop() ?? '';
      for (const l of lines) if (/^\d+$/.test(l)) acked = Number(l) + 1;
      if (acked >= atLeast && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      // Lines already in the pipe when the kill landed were acknowledged too.
      for (const l of tail.split('\n')) if (/^\d+$/.test(l)) acked = Math.max(acked, Number(l) + 1);
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}

describe.each(BACKENDS)('kill -9 of the gateway on %s', (backend) => {
  let t: TestDb | undefined;
  const dataDir = tempDir('pcx-audit-crash-');
  let schema: string | undefined;

  beforeAll(async () => {
    if (backend === 'postgres') {
      // Create the schema (and tables) first, then let the child use it.
      t = await openTestDb('postgres', { dataDir });
      schema = t.schema;
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('loses no acknowledged entry, and the log verifies after the restart', { timeout: 180_000 }, async () => {
    const args = backend === 'postgres' ? [dataDir, PG_URL, schema!] : [dataDir];
    const acked = await runAndKill(args, 3000);
    expect(acked).toBeGreaterThanOrEqual(3000);

    const db = t ?? (await openTestDb('pglite', { dataDir }));
    const log = await createAuditLog({
      config: testConfig({ content: { default: 'full' } }),
      db: db.store.db,
      dataDir,
    });
    try {
      const report = await log.verify();
      const ids = new Set<string>();
      for (let from = 0; from < report.size; from += 5000) {
        for (const e of await log.entries(from, Math.min(report.size, from + 5000))) {
          if (e.entry.type === 'exchange') ids.add(e.entry.request_id);
        }
      }
      for (let i = 0; i < acked; i++) if (!ids.has(`req_${i}`)) throw new Error(`acknowledged entry req_${i} was lost`);
      // Content recorded before the crash is still readable: its data keys were journaled before use.
      expect(await log.readContent(acked - 1)).toBeDefined();
      expect(report.size).toBeGreaterThanOrEqual(acked);
    } finally {
      await log.close();
      if (!t) await db.cleanup();
    }
  });
});
