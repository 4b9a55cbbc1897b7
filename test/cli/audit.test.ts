import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpoint } from '../../src/audit/checkpoint.js';
import { createAuditLog } from '../../src/audit/log.js';
import { hashLeaf, verifyInclusion } from '../../src/audit/merkle.js';
import { parseVerifierKey } from '../../src/audit/note-keys.js';
import type { CliIO } from '../../src/cli/admin-client.js';
import { auditErase, auditExport, auditProof, auditShow, auditVerify } from '../../src/cli/audit.js';
import { auditSchema } from '../../src/config/audit.js';
import { openStore } from '../../src/store/db.js';
import { makeExchange, tempDir } from '../audit/helpers.js';

function captureIO(env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[]; code?: number } {
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    code: undefined as number | undefined,
    out: (t: string) => void io.stdout.push(t),
    err: (t: string) => void io.stderr.push(t),
    exit: (c: number) => {
      io.code = c;
    },
    env,
  };
  return io;
}

describe('portcullis audit (in-process, embedded database)', () => {
  const dataDir = tempDir('pcx-audit-cli-');
  const config = join(dataDir, 'portcullis.yaml');

  beforeAll(async () => {
    writeFileSync(config, 'audit:\n  origin: cli.test/audit\n  content:\n    default: full\n');
    const store = await openStore({ dataDir });
    const log = await createAuditLog({
      config: auditSchema.parse({ origin: 'cli.test/audit', content: { default: 'full' } }),
      db: store.db,
      dataDir,
    });
    for (let i = 0; i < 12; i++) {
      const ex = makeExchange(i, { subject: i % 2 === 0 ? 'alice' : 'bob' });
      if (i === 5 && ex.request.kind === 'chat') ex.route = { model: '=HYPERLINK("http://evil")', targets: [] };
      log.record(ex);
    }
    await log.checkpoint();
    await log.close();
    await store.close();
  });
  afterAll(() => {});

  const base = () => ({ dataDir, config });

  it('verify passes on an untouched log', async () => {
    const io = captureIO();
    expect(await auditVerify(base(), io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^ok: 12 entries verified; 1 signed checkpoint/);
  });

  it('proof --entry prints an inclusion proof that checks against the signed checkpoint', async () => {
    const io = captureIO();
    expect(await auditProof({ ...base(), entry: '7' }, io)).toBe(0);
    const p = JSON.parse(io.stdout.join('\n'));
    const key = parseVerifierKey(readFileSync(join(dataDir, 'audit', 'public.key'), 'utf8'));
    const cp = verifyCheckpoint(p.checkpoint, key);
    verifyInclusion(
      7,
      cp.size,
      hashLeaf(Buffer.from(p.leaf)),
      p.proof.map((x: string) => Buffer.from(x, 'base64')),
      cp.root,
    );
    const bad = captureIO();
    expect(await auditProof({ ...base(), entry: 'seven' }, bad)).toBe(1);
    expect(bad.stderr[0]).toMatch(/--entry must be a non-negative integer/);
  });

  it('a jsonl export verifies with nothing but the public key; an edited export fails at the checkpoint covering the edit', async () => {
    const file = join(dataDir, 'export.jsonl');
    expect(await auditExport({ ...base(), format: 'jsonl', out: file }, captureIO())).toBe(0);
    const pub = join(dataDir, 'audit', 'public.key');
    const ok = captureIO();
    // A fresh process with no data folder: only the export and the key.
    expect(await auditVerify({ export: file, publicKey: pub }, ok)).toBe(0);
    expect(ok.stdout[0]).toMatch(/^ok: 12 entries/);

    const lines = readFileSync(file, 'utf8').split('\n');
    const edited = lines.map((l) => (l.includes('"n":4,') ? l.replace('203.0.113.7', '203.0.113.8') : l));
    expect(edited).not.toEqual(lines);
    const tampered = join(dataDir, 'tampered.jsonl');
    writeFileSync(tampered, edited.join('\n'));
    const bad = captureIO();
    expect(await auditVerify({ export: tampered, publicKey: pub }, bad)).toBe(1);
    expect(bad.stderr[0]).toMatch(/verification FAILED at entry 0: entries 0\.\.11 do not match the signed checkpoint/);

    const wrongKey = captureIO();
    const other = `cli.test/audit+00000000+AQ${'A'.repeat(42)}=`;
    expect(await auditVerify({ export: file, publicKey: other }, wrongKey)).toBe(1);
  });

  it('csv export neutralises spreadsheet formulas in attacker-controlled fields', async () => {
    const io = captureIO();
    expect(await auditExport({ ...base(), format: 'csv', from: '5', to: '6' }, io)).toBe(0);
    const [header, row] = io.stdout.join('\n').split('\n');
    expect(header!.startsWith('n,time,type,tenant')).toBe(true);
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).toContain('encrypted');
  });

  it('erase --subject makes that subject’s content unreadable; the log still verifies', async () => {
    const before = captureIO();
    await auditShow('2', { ...base(), content: true }, before);
    expect(JSON.parse(before.stdout.join('\n')).content.prompt.messages[0].text).toBe('question 2');
    const io = captureIO();
    expect(await auditErase({ ...base(), subject: 'alice' }, io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^erased: 1 data key/);
    const after = captureIO();
    await auditShow('2', { ...base(), content: true }, after);
    expect(JSON.parse(after.stdout.join('\n')).content.unavailable).toMatch(/erased/);
    const bob = captureIO();
    await auditShow('3', { ...base(), content: true }, bob);
    expect(JSON.parse(bob.stdout.join('\n')).content.prompt.messages[0].text).toBe('question 3');
    const v = captureIO();
    expect(await auditVerify(base(), v)).toBe(0);
    expect(v.stdout[0]).toMatch(/^ok: 13 entries/);
    expect(await auditErase(base(), captureIO())).toBe(1);
  });
});
