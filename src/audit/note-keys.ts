import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { VerificationError } from './errors.js';

/**
 * Ed25519 keys in the C2SP signed-note encodings (https://c2sp.org/signed-note):
 *   verifier key  `<name>+<hex key hash>+<base64(0x01 ‖ 32-byte public key)>`
 *   signer key    `PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 ‖ 32-byte seed)>` (Go's note.GenerateKey)
 * The verifier key is the only thing an auditor needs.
 */

/** signed-note: signature algorithm identifier of Ed25519. */
export const ALG_ED25519 = 0x01;
const PRIVATE_PREFIX = 'PRIVATE+KEY+';
/** signed-note: key names are non-empty, without whitespace or '+'. */
const KEY_NAME = /^[^\s+]+$/;

export interface NoteVerifier {
  readonly name: string;
  /** The 4-byte key hash that prefixes each signature. */
  readonly keyHash: Buffer;
  readonly publicKey: KeyObject;
  /** The verifier key string. */
  readonly encoded: string;
}

export interface NoteSigner extends NoteVerifier {
  readonly privateKey: KeyObject;
  readonly encodedPrivate: string;
}

/** signed-note: key hash = SHA-256(name ‖ "\n" ‖ alg ‖ public key)[:4]. */
export function keyHash(name: string, rawPublicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ALG_ED25519]))
    .update(rawPublicKey)
    .digest()
    .subarray(0, 4);
}

function checkName(name: string): void {
  if (!KEY_NAME.test(name))
    throw new VerificationError('CHECKPOINT_MALFORMED', `key name "${name}" must be non-empty, without spaces or "+"`);
}

function rawPublic(pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

function verifierFrom(name: string, publicKey: KeyObject): NoteVerifier {
  const raw = rawPublic(publicKey);
  const hash = keyHash(name, raw);
  const encoded = `${name}+${hash.toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), raw]).toString('base64')}`;
  return { name, keyHash: hash, publicKey, encoded };
}

function signerFrom(name: string, seed: Buffer): NoteSigner {
  // Node derives the public half from the seed when given a JWK with `d`; x is required, so compute it first.
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const v = verifierFrom(name, publicKey);
  const encodedPrivate = `${PRIVATE_PREFIX}${name}+${v.keyHash.toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64')}`;
  return { ...v, privateKey, encodedPrivate };
}

export function generateSigner(name: string): NoteSigner {
  checkName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  return signerFrom(name, seed);
}

/** `<name>+<hash>+<base64>`: the base64 part may itself contain '+', so only the first two split. */
function splitKey(text: string, what: string): [string, string, string] {
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new VerificationError('CHECKPOINT_MALFORMED', `${what} must be <name>+<hash>+<key>`);
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

function decodeKeyMaterial(name: string, hashHex: string, b64: string, what: string): Buffer {
  checkName(name);
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ALG_ED25519 || bytes.toString('base64') !== b64) {
    throw new VerificationError('CHECKPOINT_MALFORMED', `${what} is not an Ed25519 key (0x01 ‖ 32 bytes, base64)`);
  }
  if (!/^[0-9a-f]{8}$/.test(hashHex))
    throw new VerificationError('CHECKPOINT_MALFORMED', `${what} key hash must be 8 hex digits`);
  return bytes.subarray(1);
}

/** Parses a verifier key string; the embedded key hash must match the name and key. */
export function parseVerifierKey(text: string): NoteVerifier {
  const [name, hashHex, b64] = splitKey(text.trim(), 'verifier key');
  const raw = decodeKeyMaterial(name, hashHex, b64, 'verifier key');
  if (keyHash(name, raw).toString('hex') !== hashHex)
    throw new VerificationError('CHECKPOINT_MALFORMED', 'verifier key hash does not match its key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return verifierFrom(name, publicKey);
}

/** Parses a signer key string (`PRIVATE+KEY+…`). */
export function parseSignerKey(text: string): NoteSigner {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PRIVATE_PREFIX))
    throw new VerificationError('CHECKPOINT_MALFORMED', 'signer key must start with PRIVATE+KEY+');
  const [name, hashHex, b64] = splitKey(trimmed.slice(PRIVATE_PREFIX.length), 'signer key');
  const seed = decodeKeyMaterial(name, hashHex, b64, 'signer key');
  const signer = signerFrom(name, seed);
  if (signer.keyHash.toString('hex') !== hashHex)
    throw new VerificationError('CHECKPOINT_MALFORMED', 'signer key hash does not match its key');
  return signer;
}
