/**
 * The deployment recipe in deploy/ is not run here (no container runtime, no systemd), so its checkable
 * parts are checked: the example config is valid and routes as its comments say, and the unit and the
 * Containerfile keep the properties docs/deploy.md promises.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { allowedRegions } from '../../src/limits/residency.js';
import { createRouter } from '../../src/providers/router.js';
import { ROOT } from './helpers.js';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('deploy/portcullis.yaml', () => {
  const config = loadConfigFile(join(ROOT, 'deploy/portcullis.yaml'));

  it('is a valid config that keeps secrets and storage URLs out of the file', () => {
    expect(config.storage.database_url).toBeUndefined();
    expect(config.storage.redis_url).toBeUndefined();
    for (const p of config.providers) {
      expect(p.api_key).toBeUndefined();
      expect(p.api_key_env).toMatch(/^[A-Z_]+$/);
    }
    expect(config.limits.on_store_error).toBe('closed');
  });

  it('sends EU-origin data only to the EU deployment and lets US data fall back to the US', () => {
    const router = createRouter(config);
    const eu = allowedRegions(config.limits.residency, { tenant: 't', keyId: 'k', origin: 'eu' });
    expect(router.plan('gpt-4o', 'chat', eu).targets.map((t) => t.provider)).toEqual(['azure-eu']);
    const us = allowedRegions(config.limits.residency, { tenant: 't', keyId: 'k', origin: 'us' });
    expect(router.plan('gpt-4o', 'chat', us).targets.map((t) => t.provider)).toEqual(['azure-eu', 'openai-us']);
  });
});

describe('deploy/portcullis@.service', () => {
  const unit = read('deploy/portcullis@.service');
  const directives = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) directives.set(m[1]!, [...(directives.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (k: string) => directives.get(k)?.[0];

  it('runs as a dedicated unprivileged user with the hardening the guide lists', () => {
    expect(one('User')).toBe('portcullis');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('PrivateTmp')).toBe('yes');
  });

  it('can write its own data folder and nothing else, and waits longer than the drain grace before SIGKILL', () => {
    expect(one('StateDirectory')).toBe('portcullis/%i');
    expect(one('ReadWritePaths')).toBe('/var/lib/portcullis/%i');
    expect(unit).toMatch(/--data-dir \/var\/lib\/portcullis\/%i/);
    const grace = loadConfigFile(join(ROOT, 'deploy/portcullis.yaml')).server.shutdown_grace_ms;
    expect(Number(one('TimeoutStopSec')) * 1000).toBeGreaterThan(grace);
  });
});

describe('deploy/Containerfile', () => {
  const file = read('deploy/Containerfile');
  const stages = file.split(/^FROM /m).slice(1);

  it('builds on node:20-slim and ships production dependencies only, as a non-root user', () => {
    expect(stages.map((s) => s.split(/\s/)[0])).toEqual(['node:20-slim', 'node:20-slim']);
    const runtime = stages[1]!;
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/COPY src /);
    expect(runtime).toMatch(/COPY models \.\/models/);
    expect(runtime).toMatch(/^VOLUME \["\/var\/lib\/portcullis"\]$/m);
  });
});
