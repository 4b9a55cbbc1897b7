import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditError } from '../../src/audit/errors.js';
import { type AuditLog, createAuditLog } from '../../src/audit/log.js';
import { BACKENDS, makeExchange, openTestDb, resetAudit, type TestDb, testConfig } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(BACKENDS)('content encryption and erasure on %s', (backend) => {
  let t: TestDb;
  let log: AuditLog;
  let clock = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    t = await openTestDb(backend);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  beforeEach(async () => {
    await resetAudit(t);
    clock = Date.UTC(2026, 0, 1);
    log = await createAuditLog({
      config: testConfig({
        content: { default: 'none', tenants: { acme: 'full', beta: 'prompt' } },
        retention_days: 30,
        key_rotation_hours: 24,
      }),
      db: t.store.db,
      dataDir: t.dataDir,
      now: () => clock,
    });
  });
  afterEach(async () => {
    await log.close();
  });

  async function contentError(index: number): Promise<string | undefined> {
    return log.readContent(index).then(
      () => undefined,
      (e: unknown) => (e as AuditError).code,
    );
  }

  it('records content only as the tenant policy says, and only as ciphertext', async () => {
    log.record(makeExchange(0, { tenant: 'acme', prompt: 'my secret plan', answer: 'the reply' }));
    log.record(makeExchange(1, { tenant: 'beta', prompt: 'beta prompt', answer: 'beta answer' }));
    log.record(makeExchange(2, { tenant: 'gamma', prompt: 'gamma prompt' }));
    await log.flush();
    const entries = await log.entries(0, 3);
    for (const e of entries) {
      expect(e.leaf).not.toMatch(/secret plan|the reply|beta prompt|beta answer|gamma prompt/);
    }
    expect(entries.map((e) => 'content' in e.entry)).toEqual([true, true, false]);
    expect(await log.readContent(0)).toEqual({
      prompt: { system: ['be brief'], messages: [{ role: 'user', text: 'my secret plan' }] },
      answer: { text: 'the reply', tool_calls: [] },
    });
    expect(await log.readContent(1)).toEqual({
      prompt: { system: ['be brief'], messages: [{ role: 'user', text: 'beta prompt' }] },
    });
    expect(await log.readContent(2)).toBeUndefined();
    const keys = (await t.exec('select id, tenant, subject, wrapped from audit_keys')) as Array<{
      wrapped: Uint8Array;
    }>;
    expect(keys).toHaveLength(2);
    // Stored key material is wrapped (iv 12 + key 32 + tag 16), never the raw 32-byte key.
    for (const k of keys) expect(Buffer.from(k.wrapped).length).toBe(60);
  });

  it('erasing a subject shreds only that subject’s content, logs the erasure, and the log still verifies', async () => {
    log.record(makeExchange(0, { tenant: 'acme', subject: 'alice@example.com', prompt: 'alice asks' }));
    log.record(makeExchange(1, { tenant: 'acme', subject: 'bob', prompt: 'bob asks' }));
    log.record(makeExchange(2, { tenant: 'acme', prompt: 'tenant-level' }));
    await log.checkpoint();
    const before = await log.verify();

    const r = await log.erase({ subject: 'alice@example.com' });
    expect(r.keysDestroyed).toBe(1);
    expect(await contentError(0)).toBe('AUDIT_KEY_DESTROYED');
    expect(await log.readContent(1)).toMatchObject({ prompt: { messages: [{ text: 'bob asks' }] } });
    expect(await log.readContent(2)).toMatchObject({ prompt: { messages: [{ text: 'tenant-level' }] } });

    const after = await log.verify();
    expect(after.size).toBe(before.size + 1);
    const [erasure] = await log.entries(3, 4);
    expect(erasure!.entry).toMatchObject({ type: 'erasure', action: 'erase' });
    // The subject's id never enters the immutable log.
    expect(erasure!.leaf).not.toContain('alice');

    // New content of the same subject gets a new key and is readable again.
    log.record(makeExchange(4, { tenant: 'acme', subject: 'alice@example.com', prompt: 'alice again' }));
    await log.flush();
    expect(await log.readContent(4)).toMatchObject({ prompt: { messages: [{ text: 'alice again' }] } });
  });

  it('erasing a tenant shreds all of its content and nothing else', async () => {
    log.record(makeExchange(0, { tenant: 'acme', subject: 's1' }));
    log.record(makeExchange(1, { tenant: 'acme' }));
    log.record(makeExchange(2, { tenant: 'beta' }));
    await log.flush();
    expect((await log.erase({ tenant: 'acme' })).keysDestroyed).toBe(2);
    expect(await contentError(0)).toBe('AUDIT_KEY_DESTROYED');
    expect(await contentError(1)).toBe('AUDIT_KEY_DESTROYED');
    expect(await log.readContent(2)).toBeDefined();
    await expect(log.verify()).resolves.toMatchObject({ size: 4 });
  });

  it('retention shreds content older than the period (plus one key rotation), and the log verifies', async () => {
    log.record(makeExchange(0, { tenant: 'acme', prompt: 'old' }));
    await log.flush();
    clock += 10 * DAY;
    log.record(makeExchange(1, { tenant: 'acme', prompt: 'newer' }));
    await log.flush();
    // 30 days + 24 h rotation after the first key: not yet.
    clock = Date.UTC(2026, 0, 1) + 30 * DAY + 24 * HOUR - 1;
    expect((await log.applyRetention(clock)).keysDestroyed).toBe(0);
    clock += 2;
    expect((await log.applyRetention(clock)).keysDestroyed).toBe(1);
    expect(await contentError(0)).toBe('AUDIT_KEY_DESTROYED');
    expect(await log.readContent(1)).toMatchObject({ prompt: { messages: [{ text: 'newer' }] } });
    const last = (await log.entries(2, 3))[0]!;
    expect(last.entry).toMatchObject({ type: 'retention', action: 'shred' });
    await expect(log.verify()).resolves.toMatchObject({ size: 3 });
  });

  it('a data key rotates after key_rotation_hours; old content stays readable', async () => {
    log.record(makeExchange(0, { tenant: 'acme', prompt: 'first' }));
    clock += 25 * HOUR;
    log.record(makeExchange(1, { tenant: 'acme', prompt: 'second' }));
    await log.flush();
    const [a, b] = await log.entries(0, 2);
    const kid = (e: typeof a) => (e!.entry as { content: { kid: string } }).content.kid;
    expect(kid(a)).not.toBe(kid(b));
    expect(await log.readContent(0)).toMatchObject({ prompt: { messages: [{ text: 'first' }] } });
    expect(await log.readContent(1)).toMatchObject({ prompt: { messages: [{ text: 'second' }] } });
  });

  it('refuses an erase with neither subject nor tenant', async () => {
    await expect(log.erase({ tenant: '' })).rejects.toThrow(AuditError);
  });
});
