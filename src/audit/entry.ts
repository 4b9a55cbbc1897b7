import { AuditError } from './errors.js';

/**
 * The log's leaf: `{"e":<entry>,"n":<index>}` in canonical JSON (canonical.ts), as UTF-8 bytes. The
 * entry is encoded once, when it is recorded; the index is added when the committer gives it a place
 * in the tree. Because the index is inside the hashed bytes, a row moved, removed or inserted in the
 * database no longer matches its position, and verification names it. docs/audit.md specifies it.
 */

export const ENTRY_VERSION = 1;
const LEAF_HEAD = '{"e":';
const LEAF_INDEX = ',"n":';

export type EntryType = 'exchange' | 'admin' | 'policy' | 'erasure' | 'retention' | 'keys';

/** Content sealed with AES-256-GCM (crypto.ts). The entry commits to these bytes, never to plaintext. */
export interface SealedContent {
  alg: 'A256GCM';
  /** Id of the data key; destroying that key (erasure) makes the content unreadable. */
  kid: string;
  /** base64 12-byte nonce. */
  iv: string;
  /** base64 ciphertext ‖ 16-byte tag. */
  ct: string;
}

export interface EntryFinding {
  detector: string;
  category: string;
  score: number;
  start?: number;
  end?: number;
  where?: string;
  reason?: string;
}

export interface EntryDecision {
  stage: string;
  action: string;
  detector?: string;
  score?: number;
  reasons: string[];
}

interface EntryBase {
  v: typeof ENTRY_VERSION;
  type: EntryType;
  /** ms since epoch. */
  time: number;
  tenant?: string;
}

export interface ExchangeEntry extends EntryBase {
  type: 'exchange';
  request_id: string;
  key_id?: string;
  client_ip?: string;
  dialect: string;
  endpoint: string;
  model?: string;
  provider?: string;
  upstream_model?: string;
  region?: string;
  status?: number;
  error_code?: string;
  input_tokens?: number;
  output_tokens?: number;
  latency_ms: number;
  findings: EntryFinding[];
  decisions: EntryDecision[];
  content?: SealedContent | undefined;
}

export interface EventEntry extends EntryBase {
  type: 'admin' | 'policy' | 'erasure' | 'retention' | 'keys';
  action: string;
  actor?: string;
  target?: string;
  request_id?: string;
  details?: Record<string, unknown>;
}

export type AuditEntry = ExchangeEntry | EventEntry;

/** The leaf text for an entry already in canonical JSON. */
export function leafText(entryJson: string, index: number): string {
  return `${LEAF_HEAD}${entryJson}${LEAF_INDEX}${index}}`;
}

/** The index a leaf claims, or -1 when the leaf does not have the leaf shape. Cheap: no JSON parse. */
export function leafIndex(leaf: string): number {
  if (!leaf.startsWith(LEAF_HEAD) || !leaf.endsWith('}')) return -1;
  const at = leaf.lastIndexOf(LEAF_INDEX);
  if (at < 0) return -1;
  const digits = leaf.slice(at + LEAF_INDEX.length, -1);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(digits)) return -1;
  return Number(digits);
}

/** The entry inside a leaf. */
export function parseLeaf(leaf: string): { entry: AuditEntry; index: number } {
  const index = leafIndex(leaf);
  if (index < 0) throw new AuditError('AUDIT_ENTRY_INVALID', 'not a leaf of this log');
  let parsed: { e?: unknown; n?: unknown };
  try {
    parsed = JSON.parse(leaf) as { e?: unknown; n?: unknown };
  } catch {
    throw new AuditError('AUDIT_ENTRY_INVALID', 'leaf is not JSON');
  }
  const e = parsed.e as AuditEntry | undefined;
  if (!e || typeof e !== 'object' || e.v !== ENTRY_VERSION || typeof e.type !== 'string') {
    throw new AuditError('AUDIT_ENTRY_INVALID', 'leaf does not hold a version-1 entry');
  }
  return { entry: e, index };
}
