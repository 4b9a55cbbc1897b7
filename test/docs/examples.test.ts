/**
 * The example configs in examples/ are valid, appear on docs/configuration.md exactly as on disk, and do
 * what their comments and the docs say: routing order and fallbacks, residency for EU and CN data, the
 * per-tenant guard policy and the limit rules that apply to a tenant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { isPortcullisError } from '../../src/core/errors.js';
import { compilePolicy } from '../../src/guards/policy.js';
import { allowedRegions } from '../../src/limits/residency.js';
import { planFor } from '../../src/limits/rules.js';
import { createRouter } from '../../src/providers/router.js';
import { fencedBlocks, ROOT, readDoc } from './helpers.js';

const DIR = join(ROOT, 'examples');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

function load(name: string): Config {
  return loadConfigFile(join(DIR, name));
}

function refusedWith(fn: () => unknown, code: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(isPortcullisError(err) && err.code).toBe(code);
}

describe('examples/*.yaml', () => {
  it('there are the three documented examples', () => {
    expect(files.sort()).toEqual(['local-ollama.yaml', 'openai-anthropic.yaml', 'production.yaml']);
  });

  for (const f of files) {
    it(`${f} passes loadConfigFile`, () => {
      expect(() => load(f)).not.toThrow();
    });

    it(`${f} is shown verbatim on docs/configuration.md`, () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const shown = fencedBlocks(readDoc('configuration.md')).filter((b) => b.body.startsWith(`# examples/${f}\n`));
      expect(shown.length).toBe(1);
      expect(shown[0]!.body).toBe(text);
    });
  }

  it('a broken copy of an example is refused (the loader really checks these files)', () => {
    const text = readFileSync(join(DIR, 'local-ollama.yaml'), 'utf8').replace('type: openai', 'type: ollama');
    expect(text).toContain('type: ollama');
    let err: unknown;
    try {
      parseConfigText(text, 'copy.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'providers[0].type: Invalid option: expected one of "openai"|"anthropic"',
    ]);
  });
});

describe('local-ollama.yaml', () => {
  const cfg = load('local-ollama.yaml');
  const router = createRouter(cfg);

  it('routes the chat name to the local Ollama model, and the embeddings name only for embeddings', () => {
    expect(router.plan('llama3.2', 'chat').targets).toEqual([
      { provider: 'ollama', upstreamModel: 'llama3.2:3b', region: 'local', weight: 1 },
    ]);
    expect(router.plan('embed', 'embeddings').targets[0]!.upstreamModel).toBe('nomic-embed-text');
    refusedWith(() => router.plan('embed', 'chat'), 'PCX_MODEL_NOT_FOUND');
    refusedWith(() => router.plan('gpt-4o', 'chat'), 'PCX_MODEL_NOT_FOUND');
  });
});

describe('openai-anthropic.yaml', () => {
  const cfg = load('openai-anthropic.yaml');
  const router = createRouter(cfg);
  const providers = (model: string, r: number) =>
    router.plan(model, 'chat', undefined, () => r).targets.map((t) => t.provider);

  it('gpt-4o: weighted 3:1 between Azure EU and OpenAI, then the Claude fallback', () => {
    // weights 3 and 1: a draw below 3/4 picks Azure first, above it OpenAI.
    expect(providers('gpt-4o', 0)).toEqual(['azure-eu', 'openai', 'anthropic']);
    expect(providers('gpt-4o', 0.74)).toEqual(['azure-eu', 'openai', 'anthropic']);
    expect(providers('gpt-4o', 0.76)).toEqual(['openai', 'azure-eu', 'anthropic']);
  });

  it('claude-sonnet falls back to OpenAI gpt-4o; regions come from the providers', () => {
    const targets = router.plan('claude-sonnet', 'chat', undefined, () => 0).targets;
    expect(targets.map((t) => [t.provider, t.upstreamModel, t.region])).toEqual([
      ['anthropic', 'claude-sonnet-4-5', 'us'],
      ['openai', 'gpt-4o', 'us'],
    ]);
  });

  it('EU-only traffic for gpt-4o keeps only the Azure EU deployment', () => {
    expect(router.plan('gpt-4o', 'chat', ['eu'], () => 0.9).targets.map((t) => t.provider)).toEqual(['azure-eu']);
    refusedWith(() => router.plan('claude-sonnet', 'chat', ['eu']), 'PCX_REGION_NOT_ALLOWED');
  });

  it('keys come from the environment, not the file', () => {
    for (const p of cfg.providers) {
      expect(p.api_key).toBeUndefined();
      expect(p.api_key_env).toMatch(/^[A-Z_]+$/);
    }
  });
});

describe('production.yaml', () => {
  const cfg = load('production.yaml');
  const router = createRouter(cfg);
  const residency = cfg.limits.residency;
  const regions = (tenant: string, origin?: string) => allowedRegions(residency, { tenant, keyId: 'key_x', origin });
  const route = (model: string, allowed: string[] | undefined) =>
    router.plan(model, 'chat', allowed, () => 0).targets.map((t) => t.provider);

  it('uses PostgreSQL and Redis', () => {
    expect(cfg.storage.database_url).toMatch(/^postgres:\/\//);
    expect(cfg.storage.redis_url).toMatch(/^redis:\/\//);
  });

  it('EU data goes only to the EU provider, CN data only to the CN provider', () => {
    expect(regions('acme', 'eu')).toEqual(['eu']);
    expect(route('chat-default', regions('acme', 'eu'))).toEqual(['openai-eu']);
    expect(regions('acme', 'CN')).toEqual(['cn']);
    expect(route('chat-default', regions('acme', 'cn'))).toEqual(['deepseek-cn']);
    // Without the header no origin rule applies: every target, in fallback order.
    expect(regions('acme')).toBeUndefined();
    expect(route('chat-default', undefined)).toEqual(['openai-eu', 'anthropic-us', 'deepseek-cn']);
    // US data may use the US and EU providers.
    expect(route('chat-default', regions('acme', 'us'))).toEqual(['openai-eu', 'anthropic-us']);
  });

  it('EU data cannot reach a model served only in the US; unknown origins are refused', () => {
    refusedWith(() => route('claude', regions('acme', 'eu')), 'PCX_REGION_NOT_ALLOWED');
    refusedWith(() => regions('acme', 'br'), 'PCX_REGION_NOT_ALLOWED');
  });

  it('tenant bank-eu stays in the EU whatever the header says', () => {
    expect(regions('bank-eu')).toEqual(['eu']);
    expect(regions('bank-eu', 'us')).toEqual(['eu']);
    refusedWith(() => regions('bank-eu', 'cn'), 'PCX_REGION_NOT_ALLOWED');
  });

  it('guards: stricter for bank-eu, system prompts trusted for internal-tools, IP addresses only logged', () => {
    const policy = compilePolicy(cfg.guards, { cacheEntries: 0 });
    const base = policy.forTenant('acme');
    const bank = policy.forTenant('bank-eu');
    const internal = policy.forTenant('internal-tools');
    expect(base.ruleFor('pii.email', 'pii', 'user').action).toBe('redact');
    expect(bank.ruleFor('pii.email', 'pii', 'user').action).toBe('block');
    expect(base.ruleFor('secret.aws_access_key', 'secret', 'user').action).toBe('block');
    expect(base.ruleFor('pii.ip_address', 'pii', 'user').action).toBe('log');
    expect(base.ruleFor('injection.role_markers', 'injection', 'tool').action).toBe('block');
    expect(bank.ruleFor('injection.classifier', 'injection', 'user').threshold).toBe(0.6);
    // internal-tools: system_action log; the classifier does not judge system texts unless classify_system.
    expect(internal.ruleFor('injection.role_markers', 'injection', 'system').action).toBe('log');
    expect(base.ruleFor('injection.role_markers', 'injection', 'system').action).toBe('block');
    expect(internal.ruleFor('injection.classifier', 'injection', 'user').action).toBe('block');
    expect(bank.canary.overlapChars).toBe(40);
    expect(internal.isAllowed('dev.ops@example.com')).toBe(true);
    expect(internal.isAllowed('support@example.com')).toBe(true);
    expect(base.isAllowed('dev.ops@example.com')).toBe(false);
  });

  it('limits: a trial tenant gets the general rules plus its own; the claude rule only for claude', () => {
    const cost = { inputTokens: 100, reserveMicros: 0 };
    const now = Date.UTC(2026, 0, 15);
    const trial = planFor(cfg.limits, { tenant: 'trial', keyId: 'key_a', model: 'chat-default' }, cost, now);
    expect(trial.requestBuckets.map((b) => b.capacity).sort((a, b) => a - b)).toEqual([30, 600]);
    expect(trial.inputBuckets.map((b) => b.capacity)).toEqual([2_000_000]);
    expect(trial.outputBuckets.map((b) => b.capacity)).toEqual([400_000]);
    expect(trial.concurrency.map((c) => c.limit)).toEqual([20]);
    expect(trial.spends.map((s) => s.budgetMicros).sort((a, b) => a - b)).toEqual([5e6, 500e6, 10_000e6]);
    const acme = planFor(cfg.limits, { tenant: 'acme', keyId: 'key_b', model: 'claude' }, cost, now);
    expect(acme.requestBuckets.map((b) => b.capacity)).toEqual([600]);
    expect(acme.concurrency.map((c) => c.limit).sort((a, b) => a - b)).toEqual([20, 50]);
  });

  it('records prompts (encrypted) only for bank-eu and shreds content after 90 days', () => {
    expect(cfg.audit.content).toEqual({ default: 'none', tenants: { 'bank-eu': 'prompt' } });
    expect(cfg.audit.retention_days).toBe(90);
  });
});
