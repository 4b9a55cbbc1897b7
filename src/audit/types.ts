import type { Kysely } from 'kysely';
import type { AuditConfig } from '../config/audit.js';
import type { Exchange } from '../core/exchange.js';
import type { Database } from '../store/schema/index.js';
import type { Kek } from './crypto.js';
import type { AuditEntry } from './entry.js';
import type { VerifyReport } from './verify.js';

/** The audit log's public shape (built by createAuditLog in log.ts). */

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
  /**
   * Journals an exchange's entry. A streamed answer's text is taken from the capture filter
   * (answer-capture.ts) when the tenant records content in full; `answerText` overrides it.
   */
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
