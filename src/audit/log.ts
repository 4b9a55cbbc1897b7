import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditConfig, ContentMode } from '../config/audit.js';
import type { Exchange } from '../core/exchange.js';
import {
  type AuditKeyRow,
  destroyAuditKeys,
  getAuditKeys,
  insertAuditCheckpoint,
  latestAuditCheckpoint,
  listAuditCheckpoints,
  listLiveAuditKeys,
  readAuditEntries,
  readAuditHead,
  readAuditLeafHashes,
  rewrapAuditKey,
} from '../store/audit.js';
import type { Database } from '../store/schema/index.js';
import { canonicalJson } from './canonical.js';
import { signCheckpoint } from './checkpoint.js';
import { commitJournalTail, entryRecord, keyRecord, recoverJournals } from './committer.js';
import { CompactRange } from './compact-range.js';
import {
  type Kek,
  openContent,
  sealContent,
  subjectRef,
  unwrapDataKey,
  type WrappedKey,
  wrapDataKey,
} from './crypto.js';
import { type AuditEntry, type EventEntry, parseLeaf } from './entry.js';
import { AuditError, VerificationError } from './errors.js';
import { auditPaths, loadAuditKek, loadSigner } from './files.js';
import { Journal } from './journal.js';
import { KeyRing } from './keyring.js';
import { consistencyProof, EMPTY_ROOT, hashLeaf, inclusionProof } from './merkle.js';
import { contentOf, encodeExchangeEntry, exchangeEntry, subjectOf } from './record.js';
import type { VerifyReport } from './verify.js';
import { verifyDatabase } from './verify-db.js';

/**
 * The audit log service. `record` is synchronous and cheap: it builds the entry, seals content when the
 * tenant's policy asks, and appends one journal record (one `write`). A group committer moves the journal
 * tail into the database every `batch_interval_ms`, extending the Merkle tree under a database lock, and
 * signs a checkpoint every `checkpoint_interval_s`. Records of a previous run still in a journal are
 * committed at start (crash recovery).
 */

export interface AuditEvent {
  type: 'admin' | 'policy';
  action: string;
  actor?: string;
  target?: string;
  tenant?: string;
  requestId?: string;
  /** Ids and reasons only: never secrets or content (this is immutable). */
  details?: Record<string, unknown>;
}

export interface InclusionProofResult {
  index: number;
  size: number;
  leaf: string;
  leafHash: string;
  proof: string[];
  /** The signed checkpoint of `size`, when one exists. */
  checkpoint?: string;
}

export interface ConsistencyProofResult {
  from: number;
  to: number;
  proof: string[];
  fromRoot: string;
  toRoot: string;
}

export interface AuditLog {
  record(ex: Exchange, extra?: { answerText?: string }): void;
  recordEvent(event: AuditEvent): void;
  /** Commits everything journaled so far. */
  flush(): Promise<void>;
  /** Commits, then signs and stores a checkpoint of the current tree (returns the signed note). */
  checkpoint(): Promise<string>;
  latestCheckpoint(): Promise<string | undefined>;
  proofInclusion(index: number, size?: number): Promise<InclusionProofResult>;
  proofConsistency(from: number, to: number): Promise<ConsistencyProofResult>;
  verify(opts?: { trusted?: string[]; onProgress?: (n: number) => void }): Promise<VerifyReport>;
  entries(from: number, to: number): Promise<Array<{ index: number; leaf: string; entry: AuditEntry }>>;
  /** Decrypts an entry's recorded content (throws AUDIT_KEY_DESTROYED after erasure). */
  readContent(index: number): Promise<unknown>;
  erase(target: { subject: string; tenant?: string } | { tenant: string }): Promise<{ keysDestroyed: number }>;
  applyRetention(now?: number): Promise<{ keysDestroyed: number }>;
  /** Re-wraps every live data key under the current KEK (`olds`: the KEKs they may be wrapped by now). */
  rotateKeys(olds: readonly Kek[]): Promise<{ rewrapped: number }>;
  readonly publicKey: string;
  readonly origin: string;
  readonly size: number;
  close(): Promise<void>;
}

export interface CreateAuditLogOptions {
  config: AuditConfig;
  db: Kysely<Database>;
  dataDir: string;
  kind?: 'pglite' | 'postgres';
  env?: NodeJS.ProcessEnv;
  /** Background failures (database down): the entries stay in the journal and are retried. */
  onError?: (err: unknown) => void;
  now?: () => number;
}

/** Journal files of live logs in this process: never replayed by another log of the same process. */
const openJournals = new Set<string>();

const MAX_RETRY_MS = 5_000;

export async function createAuditLog(opts: CreateAuditLogOptions): Promise<AuditLog> {
  const { config, db } = opts;
  const now = opts.now ?? Date.now;
  const paths = auditPaths(opts.dataDir, config);
  mkdirSync(paths.journalDir, { recursive: true, mode: 0o700 });
  const signer = loadSigner(opts.dataDir, config);
  const kek = loadAuditKek(opts.dataDir, config, opts.env);
  const report = opts.onError ?? ((err: unknown) => console.error('audit:', err));

  const instance = `${process.pid}-${randomBytes(6).toString('hex')}`;
  let counter = 0;
  let committedSize = (await readAuditHead(db)).size;

  const commitJournal = async (j: Journal): Promise<void> => {
    const size = await commitJournalTail(db, j, config.batch_max_entries);
    if (size !== undefined) committedSize = size;
  };
  await recoverJournals(db, paths.journalDir, config.batch_max_entries, openJournals);

  const journalPath = join(paths.journalDir, `${instance}.journal`);
  const journal = new Journal(journalPath);
  openJournals.add(journalPath);
  const keyring = new KeyRing(kek, config.key_rotation_hours * 3_600_000, (w) => journal.append(keyRecord(w)));

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let retryMs = config.batch_interval_ms;
  let lastCheckpointAt = now();
  let lastRetentionAt = 0;

  const schedule = (delay: number): void => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush().then(
        () => {
          retryMs = config.batch_interval_ms;
          return maintain();
        },
        (err) => {
          report(err);
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
          schedule(retryMs);
        },
      );
    }, delay);
    timer.unref();
  };

  const flush = (): Promise<void> => {
    flushing ??= commitJournal(journal).finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  const maintain = async (): Promise<void> => {
    const t = now();
    if (t - lastCheckpointAt >= config.checkpoint_interval_s * 1000) {
      lastCheckpointAt = t;
      const latest = await latestAuditCheckpoint(db);
      if ((latest?.size ?? 0) < committedSize || !latest) await signHead();
    }
    if (config.retention_days > 0 && t - lastRetentionAt >= 3_600_000) {
      lastRetentionAt = t;
      await applyRetention(t);
    }
    if (journal.pending > 0) schedule(config.batch_interval_ms);
  };

  const append = (entry: AuditEntry, json = canonicalJson(entry)): void => {
    if (closed) throw new AuditError('AUDIT_CLOSED', 'the audit log is closed');
    journal.append(entryRecord(instance, counter++, entry, json));
    schedule(config.batch_interval_ms);
  };

  const modeFor = (tenant: string | undefined): ContentMode =>
    (tenant !== undefined ? config.content.tenants[tenant] : undefined) ?? config.content.default;

  const signHead = async (): Promise<string> => {
    const head = await readAuditHead(db);
    const root = head.size === 0 ? EMPTY_ROOT : head.root;
    const note = signCheckpoint({ origin: config.origin, size: head.size, root, extensions: [] }, signer);
    await insertAuditCheckpoint(db, { size: head.size, root, note, createdMs: now() });
    // Another process may have stored the checkpoint of this size first; return the stored one.
    const stored = (await listAuditCheckpoints(db)).find((c) => c.size === head.size);
    return stored?.note ?? note;
  };

  const appendEvent = (e: Omit<EventEntry, 'v' | 'time'>): void => {
    append({ v: 1, time: now(), ...e } as EventEntry);
  };

  const applyRetention = async (t = now()): Promise<{ keysDestroyed: number }> => {
    if (config.retention_days <= 0) return { keysDestroyed: 0 };
    // A key seals content for up to key_rotation_hours after it is made, so it may be shredded once its
    // newest possible content is past retention.
    const cutoff = t - config.retention_days * 86_400_000 - config.key_rotation_hours * 3_600_000;
    const ids = await destroyAuditKeys(db, { createdBefore: cutoff }, 'retention', t);
    keyring.forget((k) => k.createdAt < cutoff);
    if (ids.length > 0) {
      appendEvent({
        type: 'retention',
        action: 'shred',
        actor: 'system',
        details: { keys: ids, created_before: cutoff },
      });
    }
    return { keysDestroyed: ids.length };
  };

  const log: AuditLog = {
    publicKey: signer.encoded,
    origin: config.origin,
    get size() {
      return committedSize;
    },

    record(ex, extra) {
      if (!config.enabled) return;
      const t = now();
      const entry = exchangeEntry(ex, t);
      const plaintext = contentOf(ex, modeFor(entry.tenant), extra?.answerText);
      if (plaintext !== undefined) {
        const subject = subjectOf(ex, config.subject_header);
        const key = keyring.keyFor(entry.tenant ?? '', subject === undefined ? null : subjectRef(subject), t);
        entry.content = sealContent(key, entry.request_id, plaintext);
      }
      append(entry, encodeExchangeEntry(entry));
    },

    recordEvent(event) {
      if (!config.enabled) return;
      appendEvent({
        type: event.type,
        action: event.action,
        actor: event.actor,
        target: event.target,
        tenant: event.tenant,
        request_id: event.requestId,
        details: event.details,
      });
    },

    flush,

    async checkpoint() {
      await flush();
      lastCheckpointAt = now();
      return signHead();
    },

    async latestCheckpoint() {
      return (await latestAuditCheckpoint(db))?.note;
    },

    async proofInclusion(index, size) {
      let cp = await latestAuditCheckpoint(db);
      if (size === undefined && (!cp || cp.size <= index)) {
        await log.checkpoint();
        cp = await latestAuditCheckpoint(db);
      }
      const treeSize = size ?? cp?.size ?? 0;
      checkRange(index, treeSize);
      const hashes = await readAuditLeafHashes(db, treeSize);
      if (hashes.length !== treeSize)
        throw new AuditError('AUDIT_OUT_OF_RANGE', `the log has fewer than ${treeSize} entries`);
      const [row] = await readAuditEntries(db, index, index + 1, 1);
      const stored = (await listAuditCheckpoints(db)).find((c) => c.size === treeSize);
      return {
        index,
        size: treeSize,
        leaf: row!.leaf,
        leafHash: hashLeaf(Buffer.from(row!.leaf, 'utf8')).toString('base64'),
        proof: inclusionProof(index, hashes).map((h) => h.toString('base64')),
        checkpoint: stored?.note,
      };
    },

    async proofConsistency(from, to) {
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) {
        throw new AuditError('AUDIT_OUT_OF_RANGE', 'consistency needs 1 <= from <= to');
      }
      const hashes = await readAuditLeafHashes(db, to);
      if (hashes.length !== to) throw new AuditError('AUDIT_OUT_OF_RANGE', `the log has fewer than ${to} entries`);
      const rootAt = (n: number) => {
        const r = new CompactRange();
        for (let i = 0; i < n; i++) r.append(hashes[i]!);
        return r.root().toString('base64');
      };
      return {
        from,
        to,
        proof: consistencyProof(from, hashes).map((h) => h.toString('base64')),
        fromRoot: rootAt(from),
        toRoot: rootAt(to),
      };
    },

    async verify(vopts = {}) {
      await flush();
      return verifyDatabase(db, {
        verifier: signer,
        origin: config.origin,
        trusted: vopts.trusted,
        onProgress: vopts.onProgress,
      });
    },

    async entries(from, to) {
      const rows = await readAuditEntries(db, from, to, Math.max(0, to - from));
      return rows.map((r) => ({ index: r.seq, leaf: r.leaf, entry: parseLeaf(r.leaf).entry }));
    },

    async readContent(index) {
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

    async erase(target) {
      const subject = 'subject' in target ? subjectRef(target.subject) : undefined;
      if (subject === undefined && !target.tenant)
        throw new AuditError('AUDIT_CONFIG', 'erase needs a subject or a tenant');
      // Keys still in the journal must reach the table first, or they would be inserted after the erasure.
      await flush();
      const ids = await destroyAuditKeys(db, { tenant: target.tenant, subject }, 'erasure', now());
      keyring.forget(
        (k) => (subject === undefined || k.subject === subject) && (!target.tenant || k.tenant === target.tenant),
      );
      appendEvent({
        type: 'erasure',
        action: 'erase',
        actor: 'admin',
        tenant: target.tenant,
        // The subject's id itself must not enter the immutable log; its hash names it.
        target: subject !== undefined ? `subject:${subject}` : `tenant:${target.tenant}`,
        details: { keys: ids },
      });
      await flush();
      return { keysDestroyed: ids.length };
    },

    applyRetention: async (t) => {
      const r = await applyRetention(t);
      await flush();
      return r;
    },

    async rotateKeys(olds) {
      await flush();
      let rewrapped = 0;
      for (const row of await listLiveAuditKeys(db)) {
        if (row.kekId === kek.id || !row.wrapped) continue;
        const key = unwrapDataKey([kek, ...olds], toWrapped(row, row.wrapped));
        const w = wrapDataKey(kek, key);
        await rewrapAuditKey(db, row.id, w.kekId, w.wrapped);
        rewrapped++;
      }
      appendEvent({ type: 'keys', action: 'rotate', actor: 'admin', details: { kek: kek.id, rewrapped } });
      await flush();
      return { rewrapped };
    },

    async close() {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flushing?.catch(() => {});
      await commitJournal(journal);
      closed = true;
      journal.close();
      openJournals.delete(journalPath);
      if (journal.pending === 0) {
        rmSync(journalPath, { force: true });
        rmSync(`${journalPath}.committed`, { force: true });
      }
    },
  };
  return log;
}

function toWrapped(row: AuditKeyRow, wrapped: Buffer): WrappedKey {
  return { id: row.id, tenant: row.tenant, subject: row.subject, createdAt: row.createdMs, kekId: row.kekId, wrapped };
}

function checkRange(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new AuditError('AUDIT_OUT_OF_RANGE', `entry ${index} is not in a tree of size ${size}`);
  }
}

export { VerificationError };
