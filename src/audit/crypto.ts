import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SealedContent } from './entry.js';
import { AuditError } from './errors.js';

/**
 * Envelope encryption of recorded content. Content is sealed with AES-256-GCM under a data key (DEK)
 * that belongs to one tenant, or to one data subject of a tenant; DEKs are stored only wrapped
 * (AES-256-GCM) by the key-encryption key (KEK). Destroying a DEK's wrapped copy crypto-shreds every
 * entry sealed under it while the entries, which commit to the ciphertext, still verify.
 */

export const KEK_ENV = 'PORTCULLIS_AUDIT_KEK';
export const KEY_SIZE = 32;
const IV_SIZE = 12;
const TAG_SIZE = 16;
/** Domain labels bind each ciphertext to its purpose so one kind can never be replayed as another. */
const DEK_AAD = 'portcullis-audit-dek-v1';
const CONTENT_AAD = 'portcullis-audit-content-v1';
const SUBJECT_LABEL = 'portcullis-audit-subject-v1';

export interface Kek {
  /** Short public identifier (a hash of the key) stored next to each wrapped DEK. */
  readonly id: string;
  readonly key: Buffer;
}

export interface DataKey {
  readonly id: string;
  readonly tenant: string;
  /** subjectRef() of the data subject, or null for the tenant's own key. */
  readonly subject: string | null;
  readonly createdAt: number;
  readonly key: Buffer;
}

/** What is stored about a DEK: never the key itself. */
export interface WrappedKey {
  id: string;
  tenant: string;
  subject: string | null;
  createdAt: number;
  kekId: string;
  /** iv ‖ ciphertext ‖ tag. */
  wrapped: Buffer;
}

export function kekFromBytes(key: Buffer): Kek {
  if (key.length !== KEY_SIZE)
    throw new AuditError('AUDIT_KEK_INVALID', `the audit KEK must be ${KEY_SIZE} bytes (base64)`);
  const id = createHash('sha256').update('portcullis-kek-id\n').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

export function parseKek(text: string, source: string): Kek {
  const t = text.trim();
  const key = Buffer.from(t, 'base64');
  if (key.length !== KEY_SIZE || key.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, '')) {
    throw new AuditError(
      'AUDIT_KEK_INVALID',
      `${source} must hold 32 bytes in base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return kekFromBytes(key);
}

/**
 * The KEK: PORTCULLIS_AUDIT_KEK if set, else the key file. With `create`, a missing key file is made
 * (mode 0600) so an embedded install works out of the box; production should keep the KEK elsewhere.
 */
export function loadKek(opts: { file: string; env?: NodeJS.ProcessEnv; create?: boolean }): Kek {
  const fromEnv = (opts.env ?? process.env)[KEK_ENV];
  if (fromEnv) return parseKek(fromEnv, KEK_ENV);
  if (!existsSync(opts.file)) {
    if (!opts.create) throw new AuditError('AUDIT_KEK_MISSING', `no audit KEK: set ${KEK_ENV} or create ${opts.file}`);
    mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
    writeFileSync(opts.file, `${randomBytes(KEY_SIZE).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(opts.file, 0o600);
  return parseKek(readFileSync(opts.file, 'utf8'), opts.file);
}

/**
 * How a data subject is named in the key table: a hash, so the table does not hold a list of user ids.
 * Not secret (ids may be guessable); its purpose is to keep raw ids out of storage, not to hide them.
 */
export function subjectRef(subject: string): string {
  return createHash('sha256').update(`${SUBJECT_LABEL}\n${subject}`).digest('hex');
}

function dekAad(k: { id: string; tenant: string; subject: string | null }): Buffer {
  return Buffer.from(`${DEK_AAD}\n${k.id}\n${k.tenant}\n${k.subject ?? ''}`, 'utf8');
}

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_SIZE);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_SIZE + TAG_SIZE) throw new AuditError('AUDIT_DECRYPT_FAILED', 'ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_SIZE));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([d.update(sealed.subarray(IV_SIZE, sealed.length - TAG_SIZE)), d.final()]);
  } catch (err) {
    throw new AuditError('AUDIT_DECRYPT_FAILED', 'authentication failed (wrong key or altered ciphertext)', {
      cause: err,
    });
  }
}

/** A fresh random DEK, and its wrapped form for storage. */
export function newDataKey(
  kek: Kek,
  tenant: string,
  subject: string | null,
  now: number,
): { key: DataKey; wrapped: WrappedKey } {
  const id = `dk_${randomBytes(12).toString('base64url')}`;
  const key: DataKey = { id, tenant, subject, createdAt: now, key: randomBytes(KEY_SIZE) };
  return { key, wrapped: wrapDataKey(kek, key) };
}

export function wrapDataKey(kek: Kek, key: DataKey): WrappedKey {
  return {
    id: key.id,
    tenant: key.tenant,
    subject: key.subject,
    createdAt: key.createdAt,
    kekId: kek.id,
    wrapped: gcmSeal(kek.key, key.key, dekAad(key)),
  };
}

/** Unwraps with whichever of the given KEKs wrapped it (the current one, or an older one during rotation). */
export function unwrapDataKey(keks: readonly Kek[], w: WrappedKey): DataKey {
  const kek = keks.find((k) => k.id === w.kekId);
  if (!kek)
    throw new AuditError('AUDIT_KEK_MISSING', `data key ${w.id} is wrapped by KEK ${w.kekId}, which is not loaded`);
  const key = gcmOpen(kek.key, w.wrapped, dekAad(w));
  return { id: w.id, tenant: w.tenant, subject: w.subject, createdAt: w.createdAt, key };
}

/** The ciphertext is bound to its key id and request id, so it cannot be moved to another entry. */
function contentAad(kid: string, requestId: string): Buffer {
  return Buffer.from(`${CONTENT_AAD}\n${kid}\n${requestId}`, 'utf8');
}

export function sealContent(key: DataKey, requestId: string, plaintext: string): SealedContent {
  const sealed = gcmSeal(key.key, Buffer.from(plaintext, 'utf8'), contentAad(key.id, requestId));
  // Keys in canonical order (see record.ts encodeExchangeEntry).
  return {
    alg: 'A256GCM',
    ct: sealed.subarray(IV_SIZE).toString('base64'),
    iv: sealed.subarray(0, IV_SIZE).toString('base64'),
    kid: key.id,
  };
}

export function openContent(key: DataKey, requestId: string, content: SealedContent): string {
  if (content.alg !== 'A256GCM' || content.kid !== key.id)
    throw new AuditError('AUDIT_DECRYPT_FAILED', 'content is not sealed under this key');
  const sealed = Buffer.concat([Buffer.from(content.iv, 'base64'), Buffer.from(content.ct, 'base64')]);
  return gcmOpen(key.key, sealed, contentAad(key.id, requestId)).toString('utf8');
}
