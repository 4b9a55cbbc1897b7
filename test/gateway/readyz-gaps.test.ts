/** /readyz checks Redis as well as the database when Redis holds the counters (real Redis on 127.0.0.1:6379). */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReadiness } from '../../src/gateway/readiness.js';
import { MemoryCounterStore } from '../../src/limits/memory-store.js';
import { RedisCounterStore } from '../../src/limits/redis-store.js';
import { type Harness, startHarness } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function withGateway(redisUrl: string, fn: (h: Harness) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pcx-readyz-'));
  dirs.push(dataDir);
  const h = await startHarness({ storage: { data_dir: dataDir, redis_url: redisUrl } });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

describe('GET /readyz with Redis configured', () => {
  it('is 200 ready while Redis answers', async () => {
    await withGateway('redis://127.0.0.1:6379/0', async (h) => {
      const res = await fetch(`${h.base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready' });
    });
  }, 120_000);

  it('is 503 not_ready when Redis cannot be reached, though the database answers', async () => {
    const port = await freePort();
    await withGateway(`redis://127.0.0.1:${port}/0`, async (h) => {
      const res = await fetch(`${h.base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not_ready' });
      // Liveness is not readiness: the process itself is fine.
      expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    });
  }, 120_000);
});

describe('createReadiness', () => {
  const dbUp = () => Promise.resolve(1);
  const dbDown = () => Promise.reject(new Error('db down'));

  it('with in-memory counters only the database counts', async () => {
    const counters = new MemoryCounterStore();
    expect(await createReadiness({ database: dbUp, counters })()).toBe(true);
    expect(await createReadiness({ database: dbDown, counters })()).toBe(false);
  });

  it('with Redis counters both must answer', async () => {
    const up = new RedisCounterStore({ url: 'redis://127.0.0.1:6379/0', commandTimeoutMs: 500 });
    const down = new RedisCounterStore({ url: `redis://127.0.0.1:${await freePort()}/0`, commandTimeoutMs: 500 });
    try {
      expect(await createReadiness({ database: dbUp, counters: up })()).toBe(true);
      expect(await createReadiness({ database: dbDown, counters: up })()).toBe(false);
      expect(await createReadiness({ database: dbUp, counters: down, redisTimeoutMs: 200 })()).toBe(false);
    } finally {
      await up.close();
      await down.close();
    }
  });
});
