import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/findings.js';
import { DetectionCache } from '../../../src/guards/detection-cache.js';
import { inspectText } from '../../../src/guards/engine.js';
import { compilePolicy } from '../../../src/guards/policy.js';
import type { Detector } from '../../../src/guards/types.js';
import { emailDetector } from './doubles.js';

/** Counts how often the detectors really run. */
function counting(): { detector: Detector; calls: () => number } {
  let n = 0;
  return {
    detector: {
      ...emailDetector,
      detect(text, ctx): Finding[] {
        n++;
        return emailDetector.detect(text, ctx);
      },
    },
    calls: () => n,
  };
}

const LONG = `Please forward this to jane@example.com before the meeting on Thursday, thanks a lot.`;

describe('detection cache', () => {
  it('runs the detectors once for a text seen again, with identical results', () => {
    const { detector, calls } = counting();
    const p = compilePolicy({}, { detectors: [detector] }).base;
    const first = inspectText(LONG, 'user', p);
    const second = inspectText(LONG, 'user', p);
    expect(calls()).toBe(1);
    expect(second).toEqual(first);
    expect(second.redacted).toContain('[EMAIL_1]');
  });

  it('keys by role too, and skips short texts', () => {
    const { detector, calls } = counting();
    const p = compilePolicy({}, { detectors: [detector] }).base;
    inspectText(LONG, 'user', p);
    inspectText(LONG, 'tool', p);
    expect(calls()).toBe(2);
    inspectText('a@b.io', 'user', p);
    inspectText('a@b.io', 'user', p);
    expect(calls()).toBe(4);
  });

  it('is shared by tenants, whose own rules still apply to the cached findings', () => {
    const { detector, calls } = counting();
    const policy = compilePolicy({ tenants: { t: { pii: { action: 'block' } } } }, { detectors: [detector] });
    expect(inspectText(LONG, 'user', policy.base).action).toBe('redact');
    expect(inspectText(LONG, 'user', policy.forTenant('t')).action).toBe('block');
    expect(calls()).toBe(1);
  });

  it('can be disabled', () => {
    const { detector, calls } = counting();
    const p = compilePolicy({}, { detectors: [detector], cacheEntries: 0 }).base;
    inspectText(LONG, 'user', p);
    inspectText(LONG, 'user', p);
    expect(calls()).toBe(2);
    expect(p.cache).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its size and keeps no text', () => {
    const cache = new DetectionCache(2, 1);
    const a = cache.key('user', 'text a')!;
    const b = cache.key('user', 'text b')!;
    const c = cache.key('user', 'text c')!;
    cache.set(a, []);
    cache.set(b, []);
    cache.get(a); // a is now the most recent
    cache.set(c, []);
    expect(cache.size).toBe(2);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)).toEqual([]);
    expect(a).not.toContain('text');
    expect(a).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('hands out frozen findings so a caller cannot poison later requests', () => {
    const p = compilePolicy({}, { detectors: [emailDetector] }).base;
    const r = inspectText(LONG, 'user', p);
    expect(Object.isFrozen(r.findings[0])).toBe(true);
  });
});
