/**
 * Verbatim overlap between an answer and the system prompt: any run of `k` consecutive characters of the
 * prompt (after lower-casing and collapsing whitespace, which models change freely) found in the answer.
 * Rolling hashes of every k-gram of the prompt go in a Set once per request; the answer is scanned with the
 * same rolling hash, and each hit is confirmed by comparing the strings, so a hash collision is never a finding.
 */

export interface Normalized {
  text: string;
  /** For each character of `text`, its offset in the original. */
  offsets: number[];
}

export function normalize(text: string): Normalized {
  let out = '';
  const offsets: number[] = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      if (!space && out.length > 0) {
        out += ' ';
        offsets.push(i);
      }
      space = true;
      continue;
    }
    space = false;
    const lower = ch.toLowerCase();
    out += lower.length === 1 ? lower : ch;
    offsets.push(i);
  }
  return { text: out, offsets };
}

const BASE = 257;

/** BASE^(k-1) mod 2^32, for removing the leading character from the rolling hash. */
function highPower(k: number): number {
  let p = 1;
  for (let i = 1; i < k; i++) p = Math.imul(p, BASE) >>> 0;
  return p;
}

export interface OverlapIndex {
  readonly k: number;
  /** Spans (original offsets of `text`) of k-character runs that also occur in the prompt; non-overlapping. */
  find(text: string): Array<{ start: number; end: number }>;
}

export function createOverlapIndex(prompt: string, k: number): OverlapIndex {
  const p = normalize(prompt).text;
  const hp = highPower(k);
  const grams = new Map<number, number>(); // hash → first position in p
  rolling(p, k, hp, (h, i) => {
    if (!grams.has(h)) grams.set(h, i);
    return true;
  });

  return {
    k,
    find(text: string) {
      const hits: Array<{ start: number; end: number }> = [];
      if (grams.size === 0) return hits;
      const n = normalize(text);
      let skipUntil = -1;
      rolling(n.text, k, hp, (h, i) => {
        if (i < skipUntil) return true;
        const at = grams.get(h);
        if (at === undefined) return true;
        const gram = n.text.slice(i, i + k);
        // Two prompt k-grams may share a hash; only the first position is kept, so confirm by search.
        if (p.startsWith(gram, at) || p.includes(gram)) {
          hits.push({ start: n.offsets[i]!, end: n.offsets[i + k - 1]! + 1 });
          skipUntil = i + k;
        }
        return true;
      });
      return hits;
    },
  };
}

/**
 * Calls `visit(hash, start)` for every k-gram of `s` (polynomial hash mod 2^32).
 */
function rolling(s: string, k: number, hp: number, visit: (hash: number, start: number) => boolean): void {
  if (s.length < k) return;
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) >>> 0;
  if (!visit(h, 0)) return;
  for (let i = k; i < s.length; i++) {
    h = (h - Math.imul(s.charCodeAt(i - k), hp)) >>> 0;
    h = (Math.imul(h, BASE) + s.charCodeAt(i)) >>> 0;
    if (!visit(h, i - k + 1)) return;
  }
}
