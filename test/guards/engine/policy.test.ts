import { describe, expect, it } from 'vitest';
import { guardsSchema } from '../../../src/config/guards.js';
import { validateConfig } from '../../../src/config/load.js';
import { compilePolicy } from '../../../src/guards/policy.js';
import { emailDetector, testDetectors } from './doubles.js';

const opts = { detectors: testDetectors, injectionThresholds: { direct: 0.6, indirect: 0.8 } };

describe('guards config', () => {
  it('defaults: secrets and PII redacted, direct injection blocked, indirect logged, canary blocked', () => {
    const p = compilePolicy({}, opts).base;
    expect(p.enabled).toBe(true);
    expect(p.ruleFor('pii.email', 'pii', 'user')).toEqual({ action: 'redact', threshold: 0.5 });
    expect(p.ruleFor('secret.aws_access_key', 'secret', 'system')).toEqual({ action: 'redact', threshold: 0.5 });
    expect(p.ruleFor('injection.classifier', 'injection', 'user')).toEqual({ action: 'block', threshold: 0.6 });
    expect(p.ruleFor('injection.classifier', 'injection', 'tool')).toEqual({ action: 'log', threshold: 0.8 });
    // The published thresholds are for the classifier's scores; structural detectors use 0.5.
    expect(p.ruleFor('injection.role_markers', 'injection', 'user')).toEqual({ action: 'block', threshold: 0.5 });
    expect(p.ruleFor('injection.role_markers', 'injection', 'tool')).toEqual({ action: 'log', threshold: 0.5 });
    expect(p.canary.action).toBe('block');
    expect(p.canary.overlapChars).toBe(60);
    expect(p.canary.overlapAction).toBe('block');
    expect(p.output).toEqual({ pii: true, secret: true, canary: true, holdChars: 256 });
  });

  it('is part of the whole config with every field defaulted', () => {
    const cfg = validateConfig({});
    expect(cfg.guards.pii.action).toBe('redact');
    expect(cfg.guards.injection.indirect_action).toBe('log');
    expect(cfg.guards.tenants).toEqual({});
  });

  it('uses 0.5 for injection when no thresholds are published and none configured', () => {
    const p = compilePolicy({}, { detectors: [], injectionThresholds: { direct: 0.5, indirect: 0.5 } }).base;
    expect(p.ruleFor('injection.x', 'injection', 'assistant').threshold).toBe(0.5);
  });

  it('judges injection in system texts like direct injection unless system_action says otherwise', () => {
    // The classifier is off on the operator's own system text unless classify_system is set.
    const def = compilePolicy({}, opts).base;
    expect(def.ruleFor('injection.classifier', 'injection', 'system')).toEqual({ action: 'off', threshold: 1 });
    expect(def.ruleFor('injection.role_markers', 'injection', 'system').action).toBe('block');
    const classified = compilePolicy({ injection: { classify_system: true } }, opts).base;
    expect(classified.ruleFor('injection.classifier', 'injection', 'system')).toEqual({
      action: 'block',
      threshold: 0.6,
    });
    const trusted = compilePolicy(
      {
        injection: { system_action: 'log', classify_system: true },
        detectors: { 'injection.role_markers': { threshold: 0.3 } },
      },
      opts,
    ).base;
    expect(trusted.ruleFor('injection.classifier', 'injection', 'system')).toEqual({ action: 'log', threshold: 0.6 });
    expect(trusted.ruleFor('injection.classifier', 'injection', 'user').action).toBe('block');
    expect(trusted.ruleFor('injection.role_markers', 'injection', 'system')).toEqual({ action: 'log', threshold: 0.3 });
    expect(trusted.ruleFor('injection.role_markers', 'injection', 'user')).toEqual({ action: 'block', threshold: 0.3 });
    expect(trusted.ruleFor('injection.role_markers', 'injection', 'tool')).toEqual({ action: 'log', threshold: 0.3 });
  });

  it('an explicit injection threshold applies to every injection detector, classifier included', () => {
    const p = compilePolicy({ injection: { threshold: 0.7 } }, opts).base;
    expect(p.ruleFor('injection.classifier', 'injection', 'user').threshold).toBe(0.7);
    expect(p.ruleFor('injection.classifier', 'injection', 'tool').threshold).toBe(0.7);
    expect(p.ruleFor('injection.obfuscation', 'injection', 'user').threshold).toBe(0.7);
  });

  it('per-detector overrides apply to that finding name only', () => {
    const p = compilePolicy(
      { detectors: { 'pii.ip_address': { action: 'off' }, 'pii.phone': { threshold: 0.9 } } },
      opts,
    ).base;
    expect(p.ruleFor('pii.ip_address', 'pii', 'user').action).toBe('off');
    expect(p.ruleFor('pii.phone', 'pii', 'user')).toEqual({ action: 'redact', threshold: 0.9 });
    expect(p.ruleFor('pii.email', 'pii', 'user')).toEqual({ action: 'redact', threshold: 0.5 });
  });

  it('treats redact as block for injection and canary, also in overrides', () => {
    const p = compilePolicy(
      {
        injection: { action: 'redact' },
        canary: { action: 'redact' },
        detectors: { 'injection.x': { action: 'redact' } },
      },
      opts,
    ).base;
    expect(p.ruleFor('injection.classifier', 'injection', 'user').action).toBe('block');
    expect(p.ruleFor('injection.x', 'injection', 'tool').action).toBe('block');
    expect(p.canary.action).toBe('block');
    expect(p.canary.overlapAction).toBe('block');
    expect(compilePolicy({ canary: { action: 'log', overlap_action: 'off' } }, opts).base.canary).toMatchObject({
      action: 'log',
      overlapAction: 'off',
    });
  });

  it('allow-lists exact values and regexes', () => {
    const p = compilePolicy({ allow: { values: ['root@localhost.dev'], patterns: ['@acme\\.example$'] } }, opts).base;
    expect(p.isAllowed('root@localhost.dev')).toBe(true);
    expect(p.isAllowed('ROOT@localhost.dev')).toBe(false);
    expect(p.isAllowed('jane@acme.example')).toBe(true);
    expect(p.isAllowed('jane@acme.example.evil.com')).toBe(false);
  });

  it('merges tenant overrides over the defaults, field by field, adding to allow-lists', () => {
    const policy = compilePolicy(
      {
        pii: { threshold: 0.7 },
        allow: { patterns: ['@gateway\\.example$'] },
        detectors: { 'pii.phone': { action: 'log', threshold: 0.4 } },
        tenants: {
          acme: {
            pii: { action: 'block' },
            injection: { indirect_action: 'block' },
            allow: { patterns: ['@acme\\.example$'] },
            detectors: { 'pii.phone': { action: 'off' } },
            output: { pii: false },
          },
          quiet: { enabled: false },
        },
      },
      opts,
    );
    const acme = policy.forTenant('acme');
    expect(acme.ruleFor('pii.email', 'pii', 'user')).toEqual({ action: 'block', threshold: 0.7 });
    expect(acme.ruleFor('injection.c', 'injection', 'tool').action).toBe('block');
    expect(acme.ruleFor('injection.c', 'injection', 'user').action).toBe('block');
    expect(acme.ruleFor('pii.phone', 'pii', 'user')).toEqual({ action: 'off', threshold: 0.4 });
    expect(acme.isAllowed('a@acme.example')).toBe(true);
    expect(acme.isAllowed('a@gateway.example')).toBe(true);
    expect(acme.output.pii).toBe(false);
    expect(acme.output.secret).toBe(true);
    // The base and other tenants are untouched.
    expect(policy.base.isAllowed('a@acme.example')).toBe(false);
    expect(policy.base.ruleFor('pii.email', 'pii', 'user').action).toBe('redact');
    expect(policy.forTenant('unknown')).toBe(policy.base);
    expect(policy.forTenant(undefined)).toBe(policy.base);
    expect(policy.forTenant('quiet').enabled).toBe(false);
  });

  it('compiles once: the same tenant policy object is returned every time', () => {
    const policy = compilePolicy({ tenants: { t: {} } }, opts);
    expect(policy.forTenant('t')).toBe(policy.forTenant('t'));
    expect(policy.base.detectors).toEqual([...testDetectors]);
  });

  it.each([
    [{ pii: { action: 'mask' } }, 'pii.action'],
    [{ secret: { threshold: 1.5 } }, 'secret.threshold'],
    [{ allow: { patterns: ['(unclosed'] } }, 'allow.patterns'],
    [{ unknown_field: true }, ''],
    [{ detectors: { NotAName: { action: 'off' } } }, 'detectors'],
    [{ tenants: { acme: { pii: { action: 'redact', extra: 1 } } } }, 'tenants.acme.pii'],
    [{ canary: { overlap_chars: 5 } }, 'canary.overlap_chars'],
    [{ output: { hold_chars: 'lots' } }, 'output.hold_chars'],
  ])('rejects %j with an error at %s', (bad, path) => {
    const r = guardsSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths.some((p) => p.startsWith(path))).toBe(true);
    expect(() => compilePolicy(bad, opts)).toThrow();
  });

  it('the policy runs only the detectors it was given', () => {
    expect(compilePolicy({}, { detectors: [emailDetector] }).base.detectors.map((d) => d.name)).toEqual(['pii.email']);
  });
});

describe('detector declarations', () => {
  const p = compilePolicy({ detectors: { 'injection.loud': { action: 'block' } } }, opts).base;
  it('a detector declaring alert/log is only logged, whatever the category says', () => {
    expect(p.ruleFor('injection.obfuscation', 'injection', 'user', 'alert').action).toBe('log');
    expect(p.ruleFor('pii.name', 'pii', 'user', 'log').action).toBe('log');
    expect(p.ruleFor('injection.obfuscation', 'injection', 'tool', 'alert').action).toBe('log');
  });
  it('redact/block declarations leave the category action', () => {
    expect(p.ruleFor('secret.private_key', 'secret', 'user', 'block').action).toBe('redact');
    expect(p.ruleFor('injection.classifier', 'injection', 'user', 'redact').action).toBe('block');
    expect(
      compilePolicy({ secret: { action: 'block' } }, opts).base.ruleFor('secret.x', 'secret', 'user', 'redact').action,
    ).toBe('block');
  });
  it('a per-detector override beats the declaration', () => {
    expect(p.ruleFor('injection.loud', 'injection', 'user', 'alert').action).toBe('block');
  });
});
