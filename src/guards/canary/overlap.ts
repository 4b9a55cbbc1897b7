/**
 * Verbatim overlap between an answer and the system prompt: any run of `k` consecutive characters of the
 * prompt (after lower-casing and collapsing whitespace, which models change freely) found in the answer.
 * Rolling hashes of every k-gram of the prompt go in a Set once per request; the answer is scanned with the
 * same rolling hash, and each hit is confirmed by comparing the strings, so a hash collision is never a finding.
 * Cost: O(prompt) to build, O(answer × k) at worst to scan (every position a confirmed hit).
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
const MAX_POSITIONS = 8;

/** BASE^(k-1) mod 2^32, for removing the leading character from the rolling hash. */
function highPower(k: number): number {
  let p = 1;
  for (let i = 1; i < k; i++) p = Math.imul(p, BASE) >>> 0;
  return p;
}

export interface OverlapIndex {
  readonly k: number;
  /** Spans (original offsets of `text`) of runs of ≥ k characters that also occur in the prompt; non-overlapping. */
  find(text: string): Array<{ start: number; end: number }>;
}

/** Apps send the same system prompt with every request: its index is built once and kept (bounded LRU). */
const CACHE_MAX = 256;
const cache = new Map<string, OverlapIndex>();

export function overlapIndexFor(prompt: string, k: number): OverlapIndex {
  const key = `${k}\u0000${prompt}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const index = createOverlapIndex(prompt, k);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, index);
  return index;
}

export function createOverlapIndex(prompt: string, k: number): OverlapIndex {
  const p = normalize(prompt).text;
  const hp = highPower(k);
  // hash → positions in p of k-grams with that hash. Distinct k-grams rarely share a hash; the list is
  // capped so a prompt crafted for collisions cannot make each answer position cost more than a few compares.
  const grams = new Map<number, number[]>();
  rolling(p, k, hp, (h, i) => {
    const list = grams.get(h);
    if (list === undefined) grams.set(h, [i]);
    else if (list.length < MAX_POSITIONS && !list.some((j) => p.startsWith(p.slice(i, i + k), j))) list.push(i);
    return true;
  });

  return {
    k,
    find(text: string) {
      const hits: Array<{ start: number; end: number }> = [];
      if (grams.size === 0) return hits;
      const n = normalize(text);
      // Consecutive or overlapping matching k-grams form one run, reported once.
      let runStart = -1;
      let runEnd = -1;
      rolling(n.text, k, hp, (h, i) => {
        const at = grams.get(h);
        if (at === undefined) return true;
        const gram = n.text.slice(i, i + k);
        if (!at.some((j) => p.startsWith(gram, j))) return true; // a hash collision, not a match
        if (runStart >= 0 && i <= runEnd) {
          runEnd = i + k;
          return true;
        }
        if (runStart >= 0) hits.push({ start: n.offsets[runStart]!, end: n.offsets[runEnd - 1]! + 1 });
        runStart = i;
        runEnd = i + k;
        return true;
      });
      if (runStart >= 0) hits.push({ start: n.offsets[runStart]!, end: n.offsets[runEnd - 1]! + 1 });
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
