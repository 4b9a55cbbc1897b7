import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyCheckpoint } from '../../src/audit/checkpoint.js';
import { AuditError, VerificationError } from '../../src/audit/errors.js';
import { type AuditLog, createAuditLog } from '../../src/audit/log.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { parseVerifierKey } from '../../src/audit/note-keys.js';
import { verifyLog } from '../../src/audit/verify.js';
import { verifyPages } from '../../src/audit/verify-db.js';
import { BACKENDS, makeExchange, openTestDb, resetAudit, type TestDb, testConfig } from './helpers.js';

async function expectVerifyError(
  log: AuditLog,
  code: string,
  entry?: number,
  trusted?: string[],
): Promise<VerificationError> {
  const err = await log.verify({ trusted }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VerificationError);
  const v = err as VerificationError;
  expect(v.code, v.message).toBe(code);
  if (entry !== undefined) expect(v.entry, v.message).toBe(entry);
  return v;
}

describe.each(BACKENDS)('audit log on %s', (backend) => {
  let t: TestDb;
  let log: AuditLog;

  // One database per backend (PGlite takes seconds to initialise); each test starts from empty tables.
  beforeAll(async () => {
    t = await openTestDb(backend);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  beforeEach(async () => {
    await resetAudit(t);
    log = await createAuditLog({ config: testConfig(), db: t.store.db, dataDir: t.dataDir, kind: t.store.kind });
  });
  afterEach(async () => {
    await log.close();
  });

  async function fill(n: number): Promise<void> {
    for (let i = 0; i < n; i++) log.record(makeExchange(i));
    await log.flush();
  }

  it('records exchanges and events as verifiable entries with the issue’s fields', async () => {
    log.record(
      makeExchange(0, {
        findings: [{ detector: 'pii.email', category: 'pii', score: 0.9, start: 3, end: 20, where: 'request' }],
      }),
    );
    log.recordEvent({ type: 'admin', action: 'keys.create', actor: 'admin', target: 'key_x', tenant: 'acme' });
    log.recordEvent({
      type: 'policy',
      action: 'block',
      target: 'req_9',
      details: { detector: 'injection.classifier' },
    });
    await log.flush();
    const entries = await log.entries(0, 10);
    expect(entries.map((e) => e.entry.type)).toEqual(['exchange', 'admin', 'policy']);
    const e = entries[0]!.entry;
    expect(e).toMatchObject({
      type: 'exchange',
      request_id: 'req_0',
      tenant: 'acme',
      key_id: 'key_abc123',
      client_ip: '203.0.113.7',
      model: 'gpt-test',
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
      region: 'eu',
      input_tokens: 12,
      output_tokens: 34,
      status: 200,
      findings: [{ detector: 'pii.email', category: 'pii', score: 0.9, start: 3, end: 20, where: 'request' }],
      decisions: [{ stage: 'inspect', action: 'allow', reasons: ['no findings'] }],
    });
    expect(typeof (e as { latency_ms: number }).latency_ms).toBe('number');
    // Content is not recorded by default, and the prompt text never appears in clear.
    expect(entries[0]!.leaf).not.toContain('question 0');
    expect('content' in e).toBe(false);
    const report = await log.verify();
    expect(report.size).toBe(3);
  });

  it('signs checkpoints that an outsider verifies with the public key alone, with inclusion and consistency proofs', async () => {
    await fill(5);
    const note5 = await log.checkpoint();
    await fill(8);
    const note13 = await log.checkpoint();
    const verifier = parseVerifierKey(log.publicKey);
    const cp5 = verifyCheckpoint(note5, verifier);
    const cp13 = verifyCheckpoint(note13, verifier);
    expect([cp5.size, cp13.size]).toEqual([5, 13]);

    const inc = await log.proofInclusion(7);
    expect(inc.size).toBe(13);
    expect(inc.checkpoint).toBe(note13);
    const leafHash = hashLeaf(Buffer.from(inc.leaf, 'utf8'));
    verifyInclusion(
      7,
      13,
      leafHash,
      inc.proof.map((p) => Buffer.from(p, 'base64')),
      cp13.root,
    );
    expect(() =>
      verifyInclusion(
        6,
        13,
        leafHash,
        inc.proof.map((p) => Buffer.from(p, 'base64')),
        cp13.root,
      ),
    ).toThrow();

    const con = await log.proofConsistency(5, 13);
    verifyConsistency(
      5,
      13,
      cp5.root,
      cp13.root,
      con.proof.map((p) => Buffer.from(p, 'base64')),
    );
    await expect(log.proofConsistency(0, 3)).rejects.toThrow(AuditError);
    await expect(log.proofInclusion(99, 13)).rejects.toThrow(/not in a tree/);

    const report = await log.verify();
    expect(report).toMatchObject({ size: 13, checkpointsVerified: 2, unsigned: 0 });
  });

  describe('tampering directly in the database', () => {
    beforeEach(async () => {
      await fill(10);
      await log.checkpoint();
    });

    it('an altered row is named', async () => {
      await t.exec(
        `update audit_entries set leaf = replace(leaf, '"output_tokens":34', '"output_tokens":3') where seq = 4`,
      );
      await expectVerifyError(log, 'ENTRY_INVALID', 4);
    });

    it('an altered row whose stored hash was recomputed too fails at its checkpoint range', async () => {
      const [row] = (await t.exec('select leaf from audit_entries where seq = 6')) as Array<{ leaf: string }>;
      const forged = row!.leaf.replace('"output_tokens":34', '"output_tokens":1');
      await t.exec('update audit_entries set leaf = $1, leaf_hash = $2 where seq = 6', [
        forged,
        hashLeaf(Buffer.from(forged)),
      ]);
      const err = await expectVerifyError(log, 'CHECKPOINT_MISMATCH', 0);
      expect(err.message).toContain('entries 0..9');
    });

    it('a deleted row is named', async () => {
      await t.exec('delete from audit_entries where seq = 3');
      await expectVerifyError(log, 'ENTRY_MISSING', 3);
    });

    it('a deleted last row is found against the checkpoint', async () => {
      await t.exec('delete from audit_entries where seq = 9');
      await expectVerifyError(log, 'ENTRY_MISSING', 9);
    });

    it('reordered rows are named', async () => {
      await t.exec('update audit_entries set seq = -1 where seq = 2');
      await t.exec('update audit_entries set seq = 2 where seq = 5');
      await t.exec('update audit_entries set seq = 5 where seq = -1');
      await expectVerifyError(log, 'ENTRY_INVALID', 2);
    });

    it('an altered row holding the compact page separator is named', async () => {
      // The verifier reads pages as leaves joined by U+001E; a leaf holding one must not shift the split.
      await t.exec(
        `update audit_entries set leaf = replace(leaf, '"output_tokens":34', '"output_tokens":3' || chr(30)) where seq = 4`,
      );
      await expectVerifyError(log, 'ENTRY_INVALID', 4);
    });

    it('names the right entry when the log spans several compact pages', async () => {
      const verifier = parseVerifierKey(log.publicKey);
      const run = () =>
        verifyLog(verifyPages(t.store.db, 3), { verifier, checkpoints: [], claimedSize: 10 }).then(
          () => undefined,
          (e: unknown) => e as VerificationError,
        );
      expect(await run()).toBeUndefined();
      await t.exec('delete from audit_entries where seq = 7');
      const missing = await run();
      expect([missing?.code, missing?.entry]).toEqual(['ENTRY_MISSING', 7]);
      await t.exec(`update audit_entries set leaf = replace(leaf, '"v":1', '"v":2') where seq = 4`);
      const altered = await run();
      expect([altered?.code, altered?.entry]).toEqual(['ENTRY_INVALID', 4]);
    });

    it('an inserted row is named', async () => {
      // Make room at position 5 and put a copy of entry 1 there.
      for (let s = 9; s >= 5; s--) await t.exec(`update audit_entries set seq = ${s + 1} where seq = ${s}`);
      await t.exec(
        `insert into audit_entries (seq, time_ms, tenant, type, leaf, leaf_hash)
         select 5, time_ms, tenant, type, leaf, leaf_hash from audit_entries where seq = 1`,
      );
      await expectVerifyError(log, 'ENTRY_INVALID', 5);
    });
  });

  it('detects a rewritten history re-signed with the log key (fork)', async () => {
    await fill(6);
    const trusted = await log.checkpoint();
    // The operator rewrites entry 2 consistently (leaf, hash, head) and signs a new, larger checkpoint.
    const [row] = (await t.exec('select leaf from audit_entries where seq = 2')) as Array<{ leaf: string }>;
    const forged = row!.leaf.replace('"output_tokens":34', '"output_tokens":0');
    await t.exec('update audit_entries set leaf = $1, leaf_hash = $2 where seq = 2', [
      forged,
      hashLeaf(Buffer.from(forged)),
    ]);
    await t.exec('delete from audit_checkpoints');
    await t.exec('delete from audit_head');
    const { CompactRange } = await import('../../src/audit/compact-range.js');
    const rows = (await t.exec('select leaf from audit_entries order by seq')) as Array<{ leaf: string }>;
    const r = new CompactRange();
    for (const x of rows) r.append(hashLeaf(Buffer.from(x.leaf)));
    await t.exec('insert into audit_head (id, size, frontier, root) values (1, $1, $2, $3)', [
      r.size,
      r.serialize(),
      r.root(),
    ]);
    await fill(2);
    await log.checkpoint();
    // On its own, the rewritten log is self-consistent…
    await expect(log.verify()).resolves.toMatchObject({ size: 8 });
    // …but not with the checkpoint an auditor kept,
    await expectVerifyError(log, 'CHECKPOINTS_INCONSISTENT', undefined, [trusted]);
    // …nor with the old checkpoint left in the table beside the new one.
    const cp = verifyCheckpoint(trusted, parseVerifierKey(log.publicKey));
    await t.exec('insert into audit_checkpoints (size, root, note, created_ms) values ($1, $2, $3, 0)', [
      cp.size,
      cp.root,
      trusted,
    ]);
    await expectVerifyError(log, 'CHECKPOINTS_INCONSISTENT');
  });

  it('rejects a checkpoint not signed by the log key', async () => {
    await fill(3);
    const note = await log.checkpoint();
    await t.exec('update audit_checkpoints set note = $1', [note.replace(/— (\S+) (\S+)\n$/, '— $1 AAAA$2\n')]);
    await expectVerifyError(log, 'SIGNATURE_INVALID');
  });
});
