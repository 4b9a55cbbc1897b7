import { type DataKey, type Kek, newDataKey, type WrappedKey } from './crypto.js';

/**
 * The data keys this process seals with: one current key per (tenant, subject), made on first use and
 * replaced after `rotateMs`. Making a key needs no database round trip, so sealing stays on the
 * synchronous hot path; the new wrapped key is handed to `persist` (the journal) before any entry that
 * uses it. Old keys stay in the database for reading, so rotation never rewrites history.
 */
export class KeyRing {
  private readonly current = new Map<string, DataKey>();

  constructor(
    private readonly kek: Kek,
    private readonly rotateMs: number,
    private readonly persist: (key: WrappedKey) => void,
    private readonly maxScopes = 100_000,
  ) {}

  keyFor(tenant: string, subject: string | null, now: number): DataKey {
    const scope = `${tenant}\u0000${subject ?? ''}`;
    const have = this.current.get(scope);
    if (have && now - have.createdAt < this.rotateMs) return have;
    const { key, wrapped } = newDataKey(this.kek, tenant, subject, now);
    this.persist(wrapped);
    // Bounded: when full, forget the oldest scope; it gets a new key on next use, which is harmless.
    if (this.current.size >= this.maxScopes && !have) {
      const oldest = this.current.keys().next().value;
      if (oldest !== undefined) this.current.delete(oldest);
    }
    this.current.delete(scope);
    this.current.set(scope, key);
    return key;
  }

  /** After erasure or retention: stop sealing with the matching keys (the next use makes a new one). */
  forget(match: (key: DataKey) => boolean): void {
    for (const [scope, key] of this.current) if (match(key)) this.current.delete(scope);
  }
}
