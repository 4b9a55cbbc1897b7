import { describe, expect, it } from 'vitest';
import { parseCheckpoint, signCheckpoint, signNote, verifyCheckpoint, verifyNote } from '../../src/audit/checkpoint.js';
import { VerificationError } from '../../src/audit/errors.js';
import { generateSigner, parseSignerKey, parseVerifierKey } from '../../src/audit/note-keys.js';

// The signed-note example of golang.org/x/mod/sumdb/note (note_test.go), an independent implementation.
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const ROOT = Buffer.alloc(32, 7);

describe('signed-note keys and signatures', () => {
  it('reproduces the Go reference note byte for byte', () => {
    const signer = parseSignerKey(SKEY);
    expect(signer.encoded).toBe(VKEY);
    expect(signNote(TEXT, signer)).toBe(SIGNED);
    expect(verifyNote(SIGNED, parseVerifierKey(VKEY))).toBe(TEXT);
  });

  it('round-trips generated keys through their encodings', () => {
    const s = generateSigner('log.example/audit');
    expect(parseSignerKey(s.encodedPrivate).encoded).toBe(s.encoded);
    expect(parseVerifierKey(s.encoded).keyHash.equals(s.keyHash)).toBe(true);
  });

  it('rejects a verifier key whose hash does not match', () => {
    expect(() => parseVerifierKey(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/hash does not match/);
    expect(() => parseVerifierKey('nonsense')).toThrow(VerificationError);
    expect(() => parseVerifierKey('a b+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(
      VerificationError,
    );
  });

  it('rejects altered text, an altered signature, and a note signed by another key', () => {
    const v = parseVerifierKey(VKEY);
    expect(() => verifyNote(SIGNED.replace('cryptography', 'cryptographY'), v)).toThrow(/does not verify/);
    expect(() => verifyNote(SIGNED.replace('x08go/ZJ', 'x08go/ZK'), v)).toThrow(VerificationError);
    const other = generateSigner('PeterNeumann');
    expect(() => verifyNote(signNote(TEXT, other), v)).toThrow(/no signature by the log key/);
  });

  it('ignores unknown signers but needs the log key', () => {
    const other = generateSigner('witness');
    const both = `${SIGNED}${signNote(TEXT, other).slice(TEXT.length + 1)}`;
    expect(verifyNote(both, parseVerifierKey(VKEY))).toBe(TEXT);
    expect(verifyNote(both, other)).toBe(TEXT);
  });

  it('rejects malformed notes with a clear error', () => {
    const v = parseVerifierKey(VKEY);
    for (const bad of ['', TEXT, `${TEXT}\n`, `${TEXT}\n- PeterNeumann abc=\n`, 'x'.repeat(70_000)]) {
      expect(() => verifyNote(bad, v)).toThrow(VerificationError);
    }
  });
});

describe('tlog-checkpoint', () => {
  const signer = generateSigner('portcullis.test/audit');

  it('formats the body as origin, size, base64 root', () => {
    const note = signCheckpoint({ origin: signer.name, size: 42, root: ROOT, extensions: [] }, signer);
    expect(note.startsWith(`portcullis.test/audit\n42\n${ROOT.toString('base64')}\n\n— portcullis.test/audit `)).toBe(
      true,
    );
    const cp = verifyCheckpoint(note, signer);
    expect(cp.size).toBe(42);
    expect(cp.root.equals(ROOT)).toBe(true);
  });

  it('rejects bodies that are not checkpoints', () => {
    const bad = [
      'o\n042\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n1\nBwcH\n',
      'o\n1\n',
      '\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
      'o\n99999999999999999999\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n',
    ];
    for (const text of bad) expect(() => parseCheckpoint(text), text).toThrow(VerificationError);
  });

  it('rejects a checkpoint for another origin even when signed by the key', () => {
    const note = signNote(`other\n1\n${ROOT.toString('base64')}\n`, signer);
    expect(() => verifyCheckpoint(note, signer)).toThrow(/origin/);
  });
});
