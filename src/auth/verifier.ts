import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PortcullisError } from '../core/errors.js';
import type { Principal } from '../core/exchange.js';
import { findKeyByHash, type KeyLookup, keyStatus, touchKeys } from '../store/keys.js';
import type { Database } from '../store/schema/index.js';
import { API_KEY_PATTERN, displayPrefix, hashApiKeyBytes } from './api-key.js';

export interface KeyVerifierOptions {
  db: Kysely<Database>;
  /**
   * How long a key found in the database is trusted without asking again. Revoking a key, disabling a
   * tenant or rotating takes effect within this time on every gateway process (at once on the process
   * whose admin API made the change, which calls `invalidate`). Default 5 s.
   */
  ttlMs?: number;
  /** How long "no such key" is remembered, so a flood of one bad key costs one query per period. Default 1 s. */
  negativeTtlMs?: number;
  /** Bound of each cache (found and not-found keys are kept apart so bad keys cannot evict good ones). Default 10 000. */
  maxEntries?: number;
  /** How often `last_used_at` is written, in one statement for all keys used since. Default 30 s; 0 = only on flush. */
  touchIntervalMs?: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
  /** Failures of the background `last_used_at` write (the request path never sees them). */
  onError?: (err: unknown) => void;
}

interface Entry {
  lookup: KeyLookup;
  /** The stored hash as bytes, decoded once for the constant-time comparison. */
  stored: Buffer;
  principal: Principal;
  until: number;
}

/**
 * Turns an API key into a Principal. The hot path costs one SHA-256 and a map lookup; the database is
 * asked at most once per key per TTL (concurrent first requests for one key share the query).
 */
export class KeyVerifier {
  readonly #db: Kysely<Database>;
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  /** By key hash; Map order is recency (re-inserted on hit), so the first entry is the least recent. */
  readonly #found = new Map<string, Entry>();
  readonly #missing = new Map<string, number>();
  readonly #inflight = new Map<string, Promise<KeyLookup | undefined>>();
  #used = new Set<string>();
  /** Bumped by `invalidate`, so a background refresh that read the database before a change is not kept. */
  #generation = 0;
  readonly #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: KeyVerifierOptions) {
    this.#db = opts.db;
    this.#ttl = opts.ttlMs ?? 5_000;
    this.#negativeTtl = opts.negativeTtlMs ?? 1_000;
    this.#max = opts.maxEntries ?? 10_000;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError ?? (() => {});
    const every = opts.touchIntervalMs ?? 30_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.flushUsage(), every);
      this.#timer.unref();
    }
  }

  /** Resolves to the key's principal, or throws PCX_KEY_INVALID / _REVOKED / _EXPIRED (401), PCX_DEPENDENCY_UNAVAILABLE (503). */
  async verify(key: string): Promise<Principal> {
    // Malformed keys are refused before any hashing or query; the message does not echo them.
    if (!API_KEY_PATTERN.test(key)) {
      throw new PortcullisError('PCX_KEY_INVALID', 'the API key is not a Portcullis key (they start with pcs_)');
    }
    const digest = hashApiKeyBytes(key);
    const hash = digest.toString('hex');
    const now = this.#now();
    let entry = this.#found.get(hash);
    if (entry && entry.until > now) {
      this.#found.delete(hash);
      this.#found.set(hash, entry);
      // In the last fifth of its TTL a busy key is looked up again in the background, so its requests do
      // not wait for the database (in the embedded shape, behind an audit commit) when the entry runs out.
      // The entry itself is still trusted only until `until`, so revocation takes effect as before.
      if (entry.until - now < this.#ttl / 5) this.#refresh(hash);
    } else {
      entry = undefined;
      const missingUntil = this.#missing.get(hash);
      if (missingUntil !== undefined && missingUntil > now) throw unknownKey(key);
      const lookup = await this.#lookup(hash);
      if (!lookup) {
        remember(this.#missing, hash, now + this.#negativeTtl, this.#max);
        throw unknownKey(key);
      }
      entry = {
        lookup,
        stored: Buffer.from(lookup.row.hash, 'hex'),
        principal: principalOf(lookup),
        until: now + this.#ttl,
      };
      this.#missing.delete(hash);
      remember(this.#found, hash, entry, this.#max);
    }
    // The index found the row by hash; comparing the hashes again in constant time means no code path
    // ever decides on a secret with an early-exit comparison, whatever the database does internally.
    if (entry.stored.length !== digest.length || !timingSafeEqual(entry.stored, digest)) throw unknownKey(key);
    checkUsable(entry.lookup, key, now);
    this.#used.add(entry.lookup.row.id);
    return entry.principal;
  }

  /** Forgets every cached answer: called after this process changes keys or tenants. */
  invalidate(): void {
    this.#generation++;
    this.#found.clear();
    this.#missing.clear();
  }

  /** Writes `last_used_at` for the keys used since the last flush. Best effort: a failure is reported, not retried. */
  async flushUsage(): Promise<void> {
    if (this.#used.size === 0) return;
    const ids = [...this.#used];
    this.#used = new Set();
    try {
      await touchKeys(this.#db, ids, new Date(this.#now()));
    } catch (err) {
      this.#onError(err);
    }
  }

  /** Stops the timer and writes the last usage; the database stays open (the caller owns it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.flushUsage();
  }

  #refresh(hash: string): void {
    if (this.#inflight.has(hash) || this.#closed) return;
    const started = this.#now();
    const generation = this.#generation;
    this.#lookup(hash).then(
      (lookup) => {
        if (generation !== this.#generation) return;
        if (!lookup) {
          this.#found.delete(hash);
          return;
        }
        remember(
          this.#found,
          hash,
          {
            lookup,
            stored: Buffer.from(lookup.row.hash, 'hex'),
            principal: principalOf(lookup),
            until: started + this.#ttl,
          },
          this.#max,
        );
      },
      // The entry simply runs out; the next request after that asks the database itself and sees the error.
      () => undefined,
    );
  }

  async #lookup(hash: string): Promise<KeyLookup | undefined> {
    const pending = this.#inflight.get(hash);
    if (pending) return pending;
    const query = findKeyByHash(this.#db, hash)
      .catch((err: unknown) => {
        throw new PortcullisError(
          'PCX_DEPENDENCY_UNAVAILABLE',
          'cannot check the API key: the key store is unavailable',
          {
            cause: err,
            retryAfter: 1,
          },
        );
      })
      .finally(() => this.#inflight.delete(hash));
    this.#inflight.set(hash, query);
    return query;
  }
}

function principalOf(lookup: KeyLookup): Principal {
  const models = lookup.row.models;
  return Object.freeze({
    tenant: lookup.row.tenant_id,
    keyId: lookup.row.id,
    models: models === null ? null : (Object.freeze([...models]) as string[]),
  });
}

function checkUsable(lookup: KeyLookup, key: string, now: number): void {
  const shown = `${displayPrefix(key)}…`;
  if (lookup.tenantDisabledAt && lookup.tenantDisabledAt.getTime() <= now) {
    throw new PortcullisError('PCX_KEY_REVOKED', `API key ${shown} belongs to a disabled tenant`);
  }
  switch (keyStatus(lookup.row, now)) {
    case 'active':
      return;
    case 'revoked':
      throw new PortcullisError('PCX_KEY_REVOKED', `API key ${shown} has been revoked`);
    case 'rotated':
      throw new PortcullisError(
        'PCX_KEY_REVOKED',
        `API key ${shown} was rotated and its grace period is over; use its replacement`,
      );
    case 'expired':
      throw new PortcullisError('PCX_KEY_EXPIRED', `API key ${shown} has expired`);
  }
}

function unknownKey(key: string): PortcullisError {
  return new PortcullisError('PCX_KEY_INVALID', `API key ${displayPrefix(key)}… is not valid`);
}

function remember<V>(map: Map<string, V>, k: string, v: V, max: number): void {
  map.delete(k);
  map.set(k, v);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
