/**
 * Typed errors of the audit log. The audit core is not an HTTP module, so it does not use the gateway's
 * PCX_* catalogue; each error carries a stable `code` that the CLI prints and tests match on.
 */

export type VerificationErrorCode =
  /** A proof is malformed or does not lead to the claimed root (RFC 9162 §2.1.3.2, §2.1.4.2). */
  | 'PROOF_INVALID'
  /** A checkpoint or signed note does not parse (C2SP tlog-checkpoint, signed-note). */
  | 'CHECKPOINT_MALFORMED'
  /** No signature by the log's key, or a signature that does not verify. */
  | 'SIGNATURE_INVALID'
  /** A signed checkpoint's root differs from the tree recomputed from the entries. */
  | 'CHECKPOINT_MISMATCH'
  /** Two checkpoints that cannot both describe one append-only log (a fork). */
  | 'CHECKPOINTS_INCONSISTENT'
  /** An entry whose stored bytes, hash or position are not what the log committed to. */
  | 'ENTRY_INVALID'
  /** An entry expected at a position is absent. */
  | 'ENTRY_MISSING';

/** A failed verification. `entry` names the first bad entry (0-based index) when one can be named. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    readonly code: VerificationErrorCode,
    message: string,
    readonly entry?: number,
  ) {
    super(message);
  }
}

export type AuditErrorCode =
  | 'AUDIT_CONFIG'
  | 'AUDIT_KEK_MISSING'
  | 'AUDIT_KEK_INVALID'
  | 'AUDIT_KEY_DESTROYED'
  | 'AUDIT_DECRYPT_FAILED'
  | 'AUDIT_ENTRY_INVALID'
  | 'AUDIT_CLOSED'
  | 'AUDIT_OUT_OF_RANGE'
  | 'AUDIT_JOURNAL_CORRUPT';

/** Any other audit failure (configuration, keys, closed log, bad arguments). */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
