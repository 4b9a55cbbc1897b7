import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  insertAuditCheckpoint,
  latestAuditCheckpoint,
  listAuditCheckpoints,
  readAuditEntries,
  readAuditHead,
} from '../store/audit.js';
import { capturedAnswer, modeFor } from './answer-capture.js';
import { canonicalJson } from './canonical.js';
import { signCheckpoint } from './checkpoint.js';
import { commitJournalTail, entryRecord, keyRecord, recoverJournals } from './committer.js';
import { sealContent, subjectRef } from './crypto.js';
import { type AuditEntry, type EventEntry, parseLeaf } from './entry.js';
import { AuditError, VerificationError } from './errors.js';
import { auditPaths, loadAuditKek, loadSigner } from './files.js';
import { GroupCommit } from './group-commit.js';
import { Journal } from './journal.js';
import { createKeyOps } from './key-ops.js';
import { KeyRing } from './keyring.js';
import { EMPTY_ROOT } from './merkle.js';
import { consistencyFromDb, inclusionFromDb } from './proofs.js';
import { contentOf, encodeExchangeEntry, exchangeEntry, subjectOf } from './record.js';
import type { AuditLog, CreateAuditLogOptions } from './types.js';
import { verifyDatabase } from './verify-db.js';

export type {
  AuditEvent,
  AuditLog,
  ConsistencyProofResult,
  CreateAuditLogOptions,
  InclusionProofResult,
} from './types.js';

/**
 * The audit log service. `record` is synchronous and cheap: it builds the entry, seals content when the
 * tenant's policy asks, and appends one journal record (one `write`). A group committer moves the journal
 * tail into the database every `batch_interval_ms`, extending the Merkle tree under a database lock, and
 * signs a checkpoint every `checkpoint_interval_s`. Records of a previous run still in a journal are
 * committed at start (crash recovery).
 */

/** Journal files of live logs in this process: never replayed by another log of the same process. */
const openJournals = new Set<string>();

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
  let lastCheckpointAt = now();
  let lastRetentionAt = 0;

  const signHead = async (): Promise<string> => {
    const head = await readAuditHead(db);
    const root = head.size === 0 ? EMPTY_ROOT : head.root;
    const note = signCheckpoint({ origin: config.origin, size: head.size, root, extensions: [] }, signer);
    await insertAuditCheckpoint(db, { size: head.size, root, note, createdMs: now() });
    // Another process may have stored the checkpoint of this size first; return the stored one.
    const stored = (await listAuditCheckpoints(db)).find((c) => c.size === head.size);
    return stored?.note ?? note;
  };

  /** After each commit: a checkpoint when due, retention hourly, and another commit if entries arrived. */
  const maintain = async (): Promise<void> => {
    const t = now();
    if (t - lastCheckpointAt >= config.checkpoint_interval_s * 1000) {
      lastCheckpointAt = t;
      const latest = await latestAuditCheckpoint(db);
      if ((latest?.size ?? 0) < committedSize || !latest) await signHead();
    }
    if (config.retention_days > 0 && t - lastRetentionAt >= 3_600_000) {
      lastRetentionAt = t;
      await keyOps.applyRetention(t);
    }
    if (journal.pending > 0) group.schedule();
  };
  const group = new GroupCommit(config.batch_interval_ms, () => commitJournal(journal), maintain, report);
  const flush = () => group.flush();

  const append = (entry: AuditEntry, json = canonicalJson(entry)): void => {
    if (closed) throw new AuditError('AUDIT_CLOSED', 'the audit log is closed');
    journal.append(entryRecord(instance, counter++, entry, json));
    group.schedule();
  };
  const appendEvent = (e: Omit<EventEntry, 'v' | 'time'>): void => {
    append({ v: 1, time: now(), ...e } as EventEntry);
  };
  const keyOps = createKeyOps({ db, config, kek, keyring, now, flush, appendEvent });

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
      const mode = modeFor(config, entry.tenant);
      const streamed = extra?.answerText === undefined ? capturedAnswer(ex) : undefined;
      const plaintext = contentOf(ex, mode, extra?.answerText ?? streamed);
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
      return inclusionFromDb(db, index, size ?? cp?.size ?? 0);
    },

    proofConsistency: (from, to) => consistencyFromDb(db, from, to),

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

    readContent: keyOps.readContent,
    erase: keyOps.erase,

    applyRetention: async (t) => {
      const r = await keyOps.applyRetention(t);
      await flush();
      return r;
    },

    rotateKeys: keyOps.rotateKeys,

    async close() {
      if (closed) return;
      await group.stop();
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

export { VerificationError };
