import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../src/core/errors.js';
import {
  type Admission,
  CircuitBreaker,
  CircuitBreakers,
  CircuitOptionError,
  DEFAULT_COOL_DOWN_MS,
  DEFAULT_FAILURE_THRESHOLD,
  outcomeOf,
  type Permit,
} from '../../src/providers/circuit.js';

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

function permit(a: Admission): Permit {
  if (!a.ok) throw new Error(`expected admission, refused for ${a.retryInMs} ms`);
  return a.permit;
}

/** Makes one call that ends with `outcome`. */
function call(b: CircuitBreaker, outcome: 'success' | 'failure' | 'neutral'): void {
  b.record(permit(b.admit()), outcome);
}

describe('circuit breaker', () => {
  it('uses 5 failures and a 30 s cool-down by default', () => {
    expect(DEFAULT_FAILURE_THRESHOLD).toBe(5);
    expect(DEFAULT_COOL_DOWN_MS).toBe(30_000);
    const c = clock();
    const b = new CircuitBreaker({ now: c.now });
    for (let i = 0; i < 4; i++) call(b, 'failure');
    expect(b.state).toBe('closed');
    call(b, 'failure');
    expect(b.state).toBe('open');
    const refused = b.admit();
    expect(refused).toEqual({ ok: false, retryInMs: 30_000 });
  });

  it('opens only on consecutive failures: a success in between starts the count again', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, now: clock().now });
    call(b, 'failure');
    call(b, 'failure');
    call(b, 'success');
    call(b, 'failure');
    call(b, 'failure');
    expect(b.state).toBe('closed');
    call(b, 'failure');
    expect(b.state).toBe('open');
  });

  it('neutral outcomes (abandoned calls) neither count nor reset', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, now: clock().now });
    call(b, 'failure');
    call(b, 'neutral');
    call(b, 'failure');
    call(b, 'neutral');
    expect(b.state).toBe('closed');
    call(b, 'failure');
    expect(b.state).toBe('open');
  });

  it('forgets a streak whose first failure is older than the window', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, windowMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(6_000);
    call(b, 'failure');
    c.advance(6_000); // 12 s after the first failure: the streak restarts here with 1
    call(b, 'failure');
    expect(b.state).toBe('closed');
    c.advance(1_000);
    call(b, 'failure');
    expect(b.state).toBe('closed');
    c.advance(1_000);
    call(b, 'failure'); // third within 10 s of the restart
    expect(b.state).toBe('open');
  });

  it('refuses while open, counting down the time left', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(2_500);
    expect(b.admit()).toEqual({ ok: false, retryInMs: 7_500 });
    c.advance(7_499);
    expect(b.admit()).toEqual({ ok: false, retryInMs: 1 });
    expect(b.state).toBe('open');
  });

  it('after the cool-down lets exactly one probe through; its success closes the circuit', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(10_000);
    expect(b.state).toBe('half-open');
    const probe = permit(b.admit());
    expect(probe.probe).toBe(true);
    // Everyone else waits while the probe is out.
    expect(b.admit().ok).toBe(false);
    expect(b.admit().ok).toBe(false);
    b.record(probe, 'success');
    expect(b.state).toBe('closed');
    expect(permit(b.admit()).probe).toBe(false);
  });

  it('a failed probe opens the circuit for another full cool-down', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(12_000);
    const probe = permit(b.admit());
    c.advance(500);
    b.record(probe, 'failure');
    expect(b.state).toBe('open');
    expect(b.admit()).toEqual({ ok: false, retryInMs: 10_000 });
  });

  it('a neutral probe leaves it half-open and the next call probes', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(10_000);
    b.record(permit(b.admit()), 'neutral');
    expect(b.state).toBe('half-open');
    const next = permit(b.admit());
    expect(next.probe).toBe(true);
    b.record(next, 'success');
    expect(b.state).toBe('closed');
  });

  it('a probe that never reports is presumed lost after a cool-down, and its late report is ignored', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10_000, now: c.now });
    call(b, 'failure');
    c.advance(10_000);
    const lost = permit(b.admit());
    c.advance(9_999);
    expect(b.admit()).toEqual({ ok: false, retryInMs: 1 });
    c.advance(1);
    const second = permit(b.admit());
    expect(second.probe).toBe(true);
    b.record(lost, 'failure');
    expect(b.state).toBe('half-open');
    b.record(second, 'success');
    expect(b.state).toBe('closed');
  });

  it('calls that were in flight when it opened cannot close it, nor reopen it', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 10_000, now: c.now });
    const inflight = [permit(b.admit()), permit(b.admit()), permit(b.admit())];
    b.record(inflight[0]!, 'failure');
    b.record(inflight[1]!, 'failure');
    expect(b.state).toBe('open');
    b.record(inflight[2]!, 'success');
    expect(b.state).toBe('open');
    c.advance(10_000);
    const probe = permit(b.admit());
    // A straggler failing now does not restart the cool-down; only the probe decides.
    b.record({ probe: false }, 'failure');
    b.record(probe, 'success');
    expect(b.state).toBe('closed');
  });

  it('refuses bad options with a typed error', () => {
    for (const bad of [
      { failureThreshold: 0 },
      { coolDownMs: -1 },
      { windowMs: 1.5 },
      { failureThreshold: Number.NaN },
    ]) {
      expect(() => new CircuitBreaker(bad)).toThrow(CircuitOptionError);
      expect(() => new CircuitBreakers(bad)).toThrow(/must be a positive integer/);
    }
  });
});

describe('outcomeOf', () => {
  it('counts unreachable, timeout, bad responses and 5xx as failures, 4xx as the upstream being up', () => {
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_UNREACHABLE', 'x'))).toBe('failure');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_TIMEOUT', 'x'))).toBe('failure');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', 'x'))).toBe('failure');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 503 }))).toBe('failure');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 500 }))).toBe('failure');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 400 }))).toBe('success');
    expect(outcomeOf(new PortcullisError('PCX_UPSTREAM_ERROR', 'x', { status: 429 }))).toBe('success');
  });

  it('says nothing for errors that are not the upstream’s', () => {
    expect(outcomeOf(new PortcullisError('PCX_UNSUPPORTED', 'x'))).toBe('neutral');
    expect(outcomeOf(new PortcullisError('PCX_INTERNAL', 'x'))).toBe('neutral');
    expect(outcomeOf(new Error('plain'))).toBe('neutral');
    expect(outcomeOf(undefined)).toBe('neutral');
  });
});

describe('circuit breakers per provider', () => {
  it('keeps one breaker per provider name and reports their states', () => {
    const c = clock();
    const all = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 1000, now: c.now });
    expect(all.get('a')).toBe(all.get('a'));
    call(all.get('a'), 'failure');
    call(all.get('b'), 'success');
    expect(all.states()).toEqual({ a: 'open', b: 'closed' });
    c.advance(1000);
    expect(all.states()).toEqual({ a: 'half-open', b: 'closed' });
  });
});
