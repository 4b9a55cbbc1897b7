/**
 * One pass over a text that tells, for many keyword lists at once, which lists have a keyword in it.
 * Calling `includes` once per keyword costs about a microsecond per 4 KB each, and a hundred rules have
 * hundreds of keywords; this index costs one table lookup per character instead: a 64 K bit table marks
 * the first two characters of every keyword, a second table holds a 32-bit mask of the third characters
 * (code mod 32) that follow each pair in some keyword, and only positions passing both are compared. The
 * mask matters for English text, where pairs such as "to", "se" or "ke" are everywhere.
 */
export class KeywordIndex {
  private readonly table = new Uint8Array(65_536);
  /** Per pair: bit (c3 & 31) set when some keyword with that pair has third character c3 (all bits for 2-char words). */
  private readonly third = new Uint32Array(65_536);
  private readonly byPair = new Map<number, { word: string; list: number }[]>();
  /** Keywords whose first two characters are not both Latin-1 are checked with `includes`. */
  private readonly wide: { word: string; list: number }[] = [];
  private readonly lists: number;
  private lastText = '';
  private lastHits = new Uint8Array(0);

  /** `lists[i]` are the lowercase keywords of list i. */
  constructor(lists: readonly (readonly string[])[]) {
    this.lists = lists.length;
    lists.forEach((words, list) => {
      for (const word of words) {
        const a = word.charCodeAt(0);
        const b = word.charCodeAt(1);
        if (word.length < 2 || a > 255 || b > 255) {
          this.wide.push({ word, list });
          continue;
        }
        const pair = (a << 8) | b;
        this.table[pair] = 1;
        this.third[pair] = (this.third[pair]! | (word.length < 3 ? 0xffff_ffff : 1 << (word.charCodeAt(2) & 31))) >>> 0;
        let entries = this.byPair.get(pair);
        if (entries === undefined) {
          entries = [];
          this.byPair.set(pair, entries);
        }
        entries.push({ word, list });
      }
    });
  }

  /** Per list, 1 when one of its keywords occurs in `lower` (the lowercased text). Memoised for the last text. */
  hits(lower: string): Uint8Array {
    if (lower === this.lastText && this.lastHits.length === this.lists) return this.lastHits;
    const hits = new Uint8Array(this.lists);
    const { table, third, byPair } = this;
    const n = lower.length - 1;
    let prev = n >= 0 ? lower.charCodeAt(0) : 0;
    for (let i = 0; i < n; i++) {
      const next = lower.charCodeAt(i + 1);
      if (prev < 256 && next < 256 && table[(prev << 8) | next] === 1) {
        const pair = (prev << 8) | next;
        // Past the end charCodeAt is NaN, and NaN & 31 is 0: bit 0 is then tested, which is harmless (a
        // keyword longer than what is left fails startsWith).
        if (((third[pair]! >>> (lower.charCodeAt(i + 2) & 31)) & 1) === 0) {
          prev = next;
          continue;
        }
        for (const e of byPair.get(pair)!) {
          if (hits[e.list] === 0 && lower.startsWith(e.word, i)) hits[e.list] = 1;
        }
      }
      prev = next;
    }
    for (const e of this.wide) if (hits[e.list] === 0 && lower.includes(e.word)) hits[e.list] = 1;
    this.lastText = lower;
    this.lastHits = hits;
    return hits;
  }
}
