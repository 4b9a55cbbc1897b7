/**
 * Upstreams down or slow, through the real gateway (assembled as `portcullis serve` assembles it): the
 * provider's timeout ends a hanging call, the request falls back, and after repeated failures the circuit
 * breaker skips the provider: no more calls to it, and with no fallback an immediate, explained refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_THRESHOLD } from '../../src/providers/circuit.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';
import { type Harness, startHarness } from '../gateway/harness.js';
import { chat, freePort } from './helpers.js';

let h: Harness;
let slow: FakeOpenAI;

beforeAll(async () => {
  slow = await startFakeOpenAI({ hang: true });
  const deadPort = await freePort();
  h = await startHarness(({ openai }) => ({
    // These tests are about limits, storage and faults; content inspection has its own tests (and is kept
    // out of the way so detector work in progress elsewhere cannot change the outcome here).
    guards: { enabled: false },
    providers: [
      { name: 'good', type: 'openai', base_url: openai, region: 'eu', api_key: 'sk-good' },
      { name: 'dead', type: 'openai', base_url: `http://127.0.0.1:${deadPort}/v1`, region: 'eu', api_key: 'sk-d' },
      { name: 'slow', type: 'openai', base_url: slow.url, region: 'eu', api_key: 'sk-s', timeout_ms: 300 },
    ],
    models: [
      { name: 'good-model', provider: 'good', model: 'fake-model' },
      { name: 'dead-only', provider: 'dead', model: 'x' },
      { name: 'slow-then-good', provider: 'slow', model: 'slow-model', fallbacks: ['good-model'] },
    ],
  }));
});
afterAll(async () => {
  await h?.close();
  await slow?.close();
});

function error(r: { body: Record<string, unknown> }): { code?: string; message?: string } {
  return (r.body.error ?? {}) as { code?: string; message?: string };
}

describe('upstream faults through the gateway', () => {
  it('a provider that refuses connections is reported as unreachable, then skipped by its open circuit', async () => {
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) {
      const r = await chat(h.base, h.key, 'dead-only');
      expect(r.status).toBe(502);
      expect(error(r).code).toBe('upstream_unreachable');
      expect(error(r).message).not.toMatch(/circuit open/);
      expect(r.headers.get('retry-after')).toBeNull();
    }
    const r = await chat(h.base, h.key, 'dead-only');
    expect(r.status).toBe(502);
    expect(error(r).code).toBe('upstream_unreachable');
    expect(error(r).message).toMatch(/^circuit open for provider "dead" after repeated failures; retry in \d+s$/);
    const retry = Number(r.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(30);
  });

  it('a hanging provider times out and the request falls back; once its circuit opens it is not called at all', async () => {
    const before = h.openai.requests.length;
    for (let i = 0; i < DEFAULT_FAILURE_THRESHOLD; i++) {
      const r = await chat(h.base, h.key, 'slow-then-good');
      expect(r.status).toBe(200);
    }
    expect(slow.requests).toHaveLength(DEFAULT_FAILURE_THRESHOLD);
    for (let i = 0; i < 3; i++) expect((await chat(h.base, h.key, 'slow-then-good')).status).toBe(200);
    // The slow provider got no more calls; the fallback answered all eight.
    expect(slow.requests).toHaveLength(DEFAULT_FAILURE_THRESHOLD);
    expect(h.openai.requests.length - before).toBe(DEFAULT_FAILURE_THRESHOLD + 3);
  });
});
