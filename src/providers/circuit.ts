/**
 * A circuit breaker per provider. After repeated failures a provider is skipped for a cool-down instead of
 * making every request wait for its timeout; then one probe request tests it, and its outcome closes the
 * circuit again or restarts the cool-down.
 *
 *   closed ──(threshold consecutive failures, the first within `windowMs` of the last)──► open
 *   open ──(coolDownMs passed; the next call is the probe)──► half-open
 *   half-open ──probe succeeds──► closed        half-open ──probe fails──► open
 *
 * What counts: a failure is the upstream being unreachable, timing out, answering 5xx or garbage. A 4xx is
 * the request's fault and shows the upstream is alive, so it counts as a success. A call the client
 * abandoned says nothing about the upstream and counts as neither.
 *
 * A pure state machine: time comes from the injected clock, and nothing here does I/O.
 */
import { isPortcullisError } from '../core/errors.js';

/** Consecutive failures that open the circuit. (Config defaults: src/config/providers.ts, the same numbers.) */
export const DEFAULT_FAILURE_THRESHOLD = 5;
/** The failures must fall within this period; an older streak starts over. */
export const DEFAULT_FAILURE_WINDOW_MS = 60_000;
/** How long an open circuit skips its provider before letting one probe through. */
export const DEFAULT_COOL_DOWN_MS = 30_000;

export type CircuitState = 'closed' | 'open' | 'half-open';
export type Outcome = 'success' | 'failure' | 'neutral';

export interface CircuitOptions {
  failureThreshold?: number;
  windowMs?: number;
  coolDownMs?: number;
  /** ms clock; injectable for tests. */
  now?: () => number;
}

/** Permission to make one call; hand it back with `record`. */
export interface Permit {
  readonly probe: boolean;
}

export type Admission = { ok: true; permit: Permit } | { ok: false; retryInMs: number };

export class CircuitOptionError extends Error {
  override readonly name = 'CircuitOptionError';
  readonly code = 'PCX_CIRCUIT_BAD_OPTION';
}

function checkPositiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new CircuitOptionError(`${name} must be a positive integer, got ${v}`);
  return v;
}

const PLAIN: Permit = Object.freeze({ probe: false });

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #window: number;
  readonly #coolDown: number;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #firstFailureAt = 0;
  #openedAt = 0;
  /** The probe in flight while half-open, and when it left (a probe that never reports must not wedge). */
  #probe: Permit | undefined;
  #probeAt = 0;

  constructor(opts: CircuitOptions = {}) {
    this.#threshold = checkPositiveInt('failureThreshold', opts.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
    this.#window = checkPositiveInt('windowMs', opts.windowMs ?? DEFAULT_FAILURE_WINDOW_MS);
    this.#coolDown = checkPositiveInt('coolDownMs', opts.coolDownMs ?? DEFAULT_COOL_DOWN_MS);
    this.#now = opts.now ?? Date.now;
  }

  /** The state as a caller would see it now (an open circuit whose cool-down ended reads as half-open). */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#coolDown) return 'half-open';
    return this.#state;
  }

  /** Asks to make a call. Refused while open, and while half-open with the probe still out. */
  admit(): Admission {
    const now = this.#now();
    if (this.#state === 'closed') return { ok: true, permit: PLAIN };
    if (this.#state === 'open') {
      const wait = this.#openedAt + this.#coolDown - now;
      if (wait > 0) return { ok: false, retryInMs: wait };
      this.#state = 'half-open';
    }
    // Half-open: one probe at a time. A probe out for longer than a cool-down is presumed lost.
    if (this.#probe && now - this.#probeAt < this.#coolDown) {
      return { ok: false, retryInMs: this.#probeAt + this.#coolDown - now };
    }
    this.#probe = { probe: true };
    this.#probeAt = now;
    return { ok: true, permit: this.#probe };
  }

  /** Reports how a call made under `permit` ended. */
  record(permit: Permit, outcome: Outcome): void {
    const now = this.#now();
    if (permit.probe) {
      // Only the current probe decides; a superseded one (presumed lost) reports too late to matter.
      if (permit !== this.#probe) return;
      this.#probe = undefined;
      if (outcome === 'success') this.#close();
      else if (outcome === 'failure') this.#open(now);
      // neutral: stay half-open; the next call becomes the probe
      return;
    }
    if (outcome === 'neutral') return;
    if (outcome === 'success') {
      // A late success from before the circuit opened does not close it: only a probe may.
      if (this.#state === 'closed') this.#failures = 0;
      return;
    }
    if (this.#state !== 'closed') return;
    if (this.#failures === 0 || now - this.#firstFailureAt > this.#window) {
      this.#failures = 1;
      this.#firstFailureAt = now;
    } else {
      this.#failures++;
    }
    if (this.#failures >= this.#threshold) this.#open(now);
  }

  #open(now: number): void {
    this.#state = 'open';
    this.#openedAt = now;
    this.#failures = 0;
  }

  #close(): void {
    this.#state = 'closed';
    this.#failures = 0;
  }
}

/**
 * How a forward attempt's error counts. Unreachable, timeout, bad response and 5xx are the upstream's
 * failures; its 4xx (including 429) means it is up. Anything else (a gateway-side refusal before the call,
 * an internal error) says nothing about the upstream.
 */
export function outcomeOf(err: unknown): Outcome {
  if (!isPortcullisError(err)) return 'neutral';
  switch (err.code) {
    case 'PCX_UPSTREAM_UNREACHABLE':
    case 'PCX_UPSTREAM_TIMEOUT':
    case 'PCX_UPSTREAM_BAD_RESPONSE':
    case 'PCX_UPSTREAM_AUTH': // a rejected provider key fails every call until the operator fixes it
      return 'failure';
    case 'PCX_UPSTREAM_ERROR':
      return err.status >= 500 ? 'failure' : 'success';
    default:
      return 'neutral';
  }
}

/** One breaker per provider name, created on first use with shared options. */
export class CircuitBreakers {
  readonly #opts: CircuitOptions;
  readonly #byProvider = new Map<string, CircuitBreaker>();

  constructor(opts: CircuitOptions = {}) {
    // Validate once, at construction, rather than on the first request to each provider.
    new CircuitBreaker(opts);
    this.#opts = opts;
  }

  /**
   * The provider's breaker, created on first use with `defaults` (the provider's configured thresholds);
   * options given to this set's constructor (a test clock, fixed thresholds) take precedence over them.
   */
  get(provider: string, defaults?: CircuitOptions): CircuitBreaker {
    let b = this.#byProvider.get(provider);
    if (!b) {
      b = new CircuitBreaker(defaults === undefined ? this.#opts : { ...defaults, ...this.#opts });
      this.#byProvider.set(provider, b);
    }
    return b;
  }

  /** Each provider's state, for health endpoints and metrics. */
  states(): Record<string, CircuitState> {
    const out: Record<string, CircuitState> = {};
    for (const [name, b] of this.#byProvider) out[name] = b.state;
    return out;
  }
}

/** The thresholds of a provider's config entry (`providers[].circuit`) as breaker options. */
export function circuitOptionsOf(c: {
  failure_threshold: number;
  window_ms: number;
  cool_down_ms: number;
}): CircuitOptions {
  return { failureThreshold: c.failure_threshold, windowMs: c.window_ms, coolDownMs: c.cool_down_ms };
}
