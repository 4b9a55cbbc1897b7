import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompactRange } from '../../src/audit/compact-range.js';
import { VerificationError } from '../../src/audit/errors.js';
import {
  consistencyProof,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  hashLeafText,
  inclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.js';

const VECTORS = '/work/shared/data/merkle/testdata';

/** The classic 8-leaf tree of RFC 6962's reference tests (data/merkle/README.md). */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => Buffer.from(h, 'hex'),
);
const LEAF_HASHES = LEAVES.map(hashLeaf);
/** Roots of the first 1..8 leaves, as published with the reference tests (transparency-dev/merkle). */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('tree hashes (RFC 9162 §2.1.1)', () => {
  it('hashes the empty tree as SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([]).equals(EMPTY_ROOT)).toBe(true);
  });

  it('computes the published roots of every prefix of the reference tree', () => {
    for (let n = 1; n <= 8; n++) expect(rootOf(LEAF_HASHES.slice(0, n)).toString('hex')).toBe(ROOTS[n - 1]);
  });

  it('separates leaves from nodes with the 0x00 / 0x01 prefixes', () => {
    // SHA-256 of the single byte 0x00: the leaf hash of the empty leaf.
    expect(hashLeaf(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[0]);
    expect(hashChildren(LEAF_HASHES[0]!, LEAF_HASHES[1]!).toString('hex')).toBe(ROOTS[1]);
  });

  it('hashes a leaf string as SHA-256(0x00 ‖ UTF-8 bytes), also for multi-byte and large leaves', () => {
    for (const text of ['', 'é€😀', 'x'.repeat(200_000), '😀'.repeat(40_000)]) {
      const want = createHash('sha256')
        .update(Buffer.from([0]))
        .update(text, 'utf8')
        .digest('hex');
      expect(hashLeafText(text).toString('hex')).toBe(want);
      expect(hashLeaf(Buffer.from(text)).toString('hex')).toBe(want);
    }
  });

  it('the compact range extends to the same roots, and survives serialisation', () => {
    let range = new CompactRange();
    for (let n = 1; n <= 8; n++) {
      range.append(LEAF_HASHES[n - 1]!);
      expect(range.root().toString('hex')).toBe(ROOTS[n - 1]);
      range = CompactRange.deserialize(range.size, range.serialize());
    }
    expect(() => new CompactRange(3, [])).toThrow(RangeError);
  });
});

describe('inclusion proofs against transparency-dev vectors', () => {
  const cases = files(join(VECTORS, 'inclusion'));
  it('has the vector files', () => expect(cases.length).toBeGreaterThan(50));
  for (const file of cases) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    it(`${file.slice(VECTORS.length + 1)} (${v.desc}) → ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
      const run = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
      if (v.wantErr) expect(run).toThrow(VerificationError);
      else expect(run).not.toThrow();
    });
  }

  it('generates the vectors’ valid proofs from the leaves', () => {
    let checked = 0;
    for (const file of cases) {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      if (v.wantErr || v.treeSize > 8 || v.treeSize < 1) continue;
      const hashes = LEAF_HASHES.slice(0, v.treeSize);
      if (!hashes[v.leafIdx]!.equals(b64(v.leafHash))) continue;
      expect(inclusionProof(v.leafIdx, hashes).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('round-trips every leaf of trees up to 40 leaves', () => {
    const hashes = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from([i])));
    for (let n = 1; n <= 40; n++) {
      const t = hashes.slice(0, n);
      const root = rootOf(t);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, t);
        verifyInclusion(i, n, t[i]!, proof, root);
        expect(() => verifyInclusion(i, n, t[(i + 1) % 40]!, proof, root)).toThrow(VerificationError);
      }
    }
  });

  it('rejects indexes outside the tree and hostile inputs', () => {
    expect(() => inclusionProof(8, LEAF_HASHES)).toThrow(VerificationError);
    expect(() => inclusionProof(-1, LEAF_HASHES)).toThrow(VerificationError);
    expect(() => verifyInclusion(0.5, 8, LEAF_HASHES[0]!, [], EMPTY_ROOT)).toThrow(/non-negative integer/);
    expect(() => verifyInclusion(0, 1, Buffer.alloc(31), [], EMPTY_ROOT)).toThrow(/32-byte/);
  });
});

describe('consistency proofs against transparency-dev vectors', () => {
  const cases = files(join(VECTORS, 'consistency'));
  it('has the vector files', () => expect(cases.length).toBeGreaterThan(50));
  for (const file of cases) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    it(`${file.slice(VECTORS.length + 1)} (${v.desc}) → ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
      const run = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
      if (v.wantErr) expect(run).toThrow(VerificationError);
      else expect(run).not.toThrow();
    });
  }

  it('generates the proofs RFC 9162 describes for the reference tree', () => {
    // PROOF(3, D[7]) per §2.1.4.1 worked by hand: [c, d, g, l] in the RFC's example notation:
    // c = leaf 2, d = leaf 3, g = MTH(D[0:2]), l = MTH(D[4:7]).
    const proof = consistencyProof(3, LEAF_HASHES.slice(0, 7));
    expect(proof).toEqual([LEAF_HASHES[2], LEAF_HASHES[3], rootOf(LEAF_HASHES, 0, 2), rootOf(LEAF_HASHES, 4, 7)]);
    // PROOF(4, D[7]) = [l] because D[0:4] is a complete subtree.
    expect(consistencyProof(4, LEAF_HASHES.slice(0, 7))).toEqual([rootOf(LEAF_HASHES, 4, 7)]);
  });

  it('round-trips every pair of sizes up to 40 leaves and detects a forked root', () => {
    const hashes = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from([i, 1])));
    const roots = Array.from({ length: 41 }, (_, n) => rootOf(hashes.slice(0, n)));
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, hashes.slice(0, n));
        verifyConsistency(m, n, roots[m]!, roots[n]!, proof);
        if (m < n) expect(() => verifyConsistency(m, n, roots[m - 1]!, roots[n]!, proof)).toThrow(VerificationError);
      }
    }
  });
});
