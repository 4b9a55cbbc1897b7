import type { Kysely } from 'kysely';
import type { AuditConfig } from '../config/audit.js';
import {
  type AuditKeyRow,
  destroyAuditKeys,
  getAuditKeys,
  listLiveAuditKeys,
  readAuditEntries,
  rewrapAuditKey,
} from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import { type Kek, openContent, subjectRef, unwrapDataKey, type WrappedKey, wrapDataKey } from './crypto.js';
import { type EventEntry, parseLeaf } from './entry.js';
import { AuditError } from './errors.js';
import type { KeyRing } from './keyring.js';

/**
 * What the log does with data keys after they are made: reading content back, erasure by subject or
 * tenant (crypto-shredding), retention and re-wrapping under a new KEK. Each destruction or rotation is
 * itself an entry.
 */

export interface KeyOpsDeps {
  db: Kysely<Database>;
  config: AuditConfig;
  kek: Kek;
  keyring: KeyRing;
  now: () => number;
  flush: () => Promise<void>;
  appendEvent: (e: Omit<EventEntry, 'v' | 'time'>) => void;
}

export function createKeyOps(d: KeyOpsDeps) {
  const { db, config, kek, keyring } = d;

  const applyRetention = async (t = d.now()): Promise<{ keysDestroyed: number }> => {
    if (config.retention_days <= 0) return { keysDestroyed: 0 };
    // A key seals content for up to key_rotation_hours after it is made, so it may be shredded once its
    // newest possible content is past retention.
    const cutoff = t - config.retention_days * 86_400_000 - config.key_rotation_hours * 3_600_000;
    const ids = await destroyAuditKeys(db, { createdBefore: cutoff }, 'retention', t);
    keyring.forget((k) => k.createdAt < cutoff);
    if (ids.length > 0) {
      d.appendEvent({
        type: 'retention',
        action: 'shred',
        actor: 'system',
        details: { keys: ids, created_before: cutoff },
      });
    }
    return { keysDestroyed: ids.length };
  };

  return {
    applyRetention,

    async readContent(index: number): Promise<unknown> {
      const [row] = await readAuditEntries(db, index, index + 1, 1);
      if (!row) throw new AuditError('AUDIT_OUT_OF_RANGE', `no entry ${index}`);
      const { entry } = parseLeaf(row.leaf);
      if (entry.type !== 'exchange' || !entry.content) return undefined;
      const [k] = await getAuditKeys(db, [entry.content.kid]);
      if (!k) throw new AuditError('AUDIT_KEY_DESTROYED', `the data key of entry ${index} is unknown`);
      if (!k.wrapped)
        throw new AuditError('AUDIT_KEY_DESTROYED', `the content of entry ${index} was erased (${k.id} destroyed)`);
      const key = unwrapDataKey([kek], toWrapped(k, k.wrapped));
      return JSON.parse(openContent(key, entry.request_id, entry.content));
    },

    async erase(target: { subject: string; tenant?: string } | { tenant: string }): Promise<{ keysDestroyed: number }> {
      const subject = 'subject' in target ? subjectRef(target.subject) : undefined;
      if (subject === undefined && !target.tenant)
        throw new AuditError('AUDIT_CONFIG', 'erase needs a subject or a tenant');
      // Keys still in the journal must reach the table first, or they would be inserted after the erasure.
      await d.flush();
      const ids = await destroyAuditKeys(db, { tenant: target.tenant, subject }, 'erasure', d.now());
      keyring.forget(
        (k) => (subject === undefined || k.subject === subject) && (!target.tenant || k.tenant === target.tenant),
      );
      d.appendEvent({
        type: 'erasure',
        action: 'erase',
        actor: 'admin',
        tenant: target.tenant,
        // The subject's id itself must not enter the immutable log; its hash names it.
        target: subject !== undefined ? `subject:${subject}` : `tenant:${target.tenant}`,
        details: { keys: ids },
      });
      await d.flush();
      return { keysDestroyed: ids.length };
    },

    async rotateKeys(olds: readonly Kek[]): Promise<{ rewrapped: number }> {
      await d.flush();
      let rewrapped = 0;
      for (const row of await listLiveAuditKeys(db)) {
        if (row.kekId === kek.id || !row.wrapped) continue;
        const key = unwrapDataKey([kek, ...olds], toWrapped(row, row.wrapped));
        const w = wrapDataKey(kek, key);
        await rewrapAuditKey(db, row.id, w.kekId, w.wrapped);
        rewrapped++;
      }
      d.appendEvent({ type: 'keys', action: 'rotate', actor: 'admin', details: { kek: kek.id, rewrapped } });
      await d.flush();
      return { rewrapped };
    },
  };
}

function toWrapped(row: AuditKeyRow, wrapped: Buffer): WrappedKey {
  return { id: row.id, tenant: row.tenant, subject: row.subject, createdAt: row.createdMs, kekId: row.kekId, wrapped };
}
