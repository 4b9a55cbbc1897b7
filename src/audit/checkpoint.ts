import { sign, verify } from 'node:crypto';
import { VerificationError } from './errors.js';
import { HASH_SIZE } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';

/**
 * Checkpoints in the C2SP tlog-checkpoint format (https://c2sp.org/tlog-checkpoint), signed as a
 * C2SP signed note (https://c2sp.org/signed-note):
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[extension lines\n]
 *   \n
 *   — <key name> <base64(4-byte key hash ‖ 64-byte Ed25519 signature)>\n
 *
 * The signature covers the note text exactly (every byte up to and including the newline that ends the
 * body). Everything here is attacker-controlled input when verifying, so it is parsed strictly.
 */

/** signed-note: each signature line starts with U+2014 EM DASH and a space. */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';
/** Bounds on hostile notes: far larger than any real checkpoint. */
export const MAX_NOTE_BYTES = 64 * 1024;
export const MAX_SIGNATURES = 100;
const ED25519_SIGNATURE_SIZE = 64;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Optional extension lines (opaque to this log; kept so signatures still verify). */
  extensions: string[];
}

export interface SignedNote {
  /** The signed text, ending with "\n". */
  text: string;
  signatures: Array<{ name: string; keyHash: Buffer; signature: Buffer }>;
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (!cp.origin || /[\n]/.test(cp.origin))
    throw new VerificationError('CHECKPOINT_MALFORMED', 'origin must be one non-empty line');
  if (cp.root.length !== HASH_SIZE) throw new VerificationError('CHECKPOINT_MALFORMED', 'root must be 32 bytes');
  const ext = cp.extensions.map((e) => `${e}\n`).join('');
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n${ext}`;
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new VerificationError('CHECKPOINT_MALFORMED', 'checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new VerificationError('CHECKPOINT_MALFORMED', 'checkpoint needs origin, size and root lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new VerificationError('CHECKPOINT_MALFORMED', 'empty origin line');
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new VerificationError('CHECKPOINT_MALFORMED', 'tree size must be a decimal integer without leading zeros');
  }
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootText) {
    throw new VerificationError('CHECKPOINT_MALFORMED', 'root hash must be 32 bytes in padded standard base64');
  }
  if (extensions.some((e) => e === ''))
    throw new VerificationError('CHECKPOINT_MALFORMED', 'empty line inside the checkpoint body');
  return { origin, size: Number(sizeText), root, extensions };
}

export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n')) throw new VerificationError('CHECKPOINT_MALFORMED', 'note text must end with a newline');
  const sig = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n${SIGNATURE_LINE_PREFIX}${signer.name} ${Buffer.concat([signer.keyHash, sig]).toString('base64')}\n`;
}

export function parseNote(note: string): SignedNote {
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES)
    throw new VerificationError('CHECKPOINT_MALFORMED', 'note is too large');
  // The text ends at the last blank line: signatures follow it, one per line, and the note ends with "\n".
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new VerificationError('CHECKPOINT_MALFORMED', 'note has no signature block');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new VerificationError('CHECKPOINT_MALFORMED', 'too many signatures');
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX))
      throw new VerificationError('CHECKPOINT_MALFORMED', 'malformed signature line');
    const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    const bytes = Buffer.from(b64, 'base64');
    if (space <= 0 || /\s|\+/.test(name) || bytes.length < 5 || bytes.toString('base64') !== b64) {
      throw new VerificationError('CHECKPOINT_MALFORMED', 'malformed signature line');
    }
    return { name, keyHash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/** Verifies the note was signed by `verifier` (other signatures are ignored, as signed-note allows) and returns its text. */
export function verifyNote(note: string, verifier: NoteVerifier): string {
  const parsed = parseNote(note);
  const data = Buffer.from(parsed.text, 'utf8');
  for (const s of parsed.signatures) {
    if (s.name !== verifier.name || !s.keyHash.equals(verifier.keyHash)) continue;
    if (s.signature.length === ED25519_SIGNATURE_SIZE && verify(null, data, verifier.publicKey, s.signature))
      return parsed.text;
    throw new VerificationError('SIGNATURE_INVALID', `signature by ${verifier.name} does not verify`);
  }
  throw new VerificationError('SIGNATURE_INVALID', `no signature by the log key ${verifier.name}`);
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(cp), signer);
}

/** Verifies a signed checkpoint note and checks its origin is the verifier's (the log's) name. */
export function verifyCheckpoint(note: string, verifier: NoteVerifier, origin = verifier.name): Checkpoint {
  const cp = parseCheckpoint(verifyNote(note, verifier));
  if (cp.origin !== origin)
    throw new VerificationError('CHECKPOINT_MALFORMED', `checkpoint origin "${cp.origin}" is not "${origin}"`);
  return cp;
}
