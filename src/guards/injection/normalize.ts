/**
 * Normalisation of attacker-controlled text before classification. Attackers hide instructions from
 * keyword filters with invisible characters, Unicode tag "smuggling", look-alike letters, leetspeak and
 * spaced-out letters; a model sees through all of them, so the classifier must too.
 *
 * Pure and linear in the input: one pass per step, no backtracking regexes, output never longer than
 * the input (tag characters are two UTF-16 units and decode to one).
 */

import { foldConfusable, isConfusable } from './homoglyphs.js';

export interface NormalizeStats {
  /** Zero-width and other format characters removed (U+200B–U+200F, U+2060–U+2064, U+FEFF, U+00AD, …). */
  invisible: number;
  /** Bidirectional embedding/override/isolate controls removed (U+202A–U+202E, U+2066–U+2069). */
  bidi: number;
  /** Unicode tag characters (U+E0000–U+E007F) decoded to ASCII. */
  tags: number;
  /** Variation selectors removed (U+FE00–U+FE0F, U+E0100–U+E01EF); long runs smuggle bytes. */
  variationSelectors: number;
  /** Words whose look-alike letters were folded to Latin. */
  homoglyphWords: number;
  /** Words whose digits/symbols were folded as leetspeak. */
  leetWords: number;
  /** Runs of spaced-out single letters ("i g n o r e") joined. */
  spacedRuns: number;
}

export interface Normalized {
  /** Lower-cased, folded, whitespace-collapsed text for the classifier. */
  text: string;
  stats: NormalizeStats;
}

export function emptyStats(): NormalizeStats {
  return { invisible: 0, bidi: 0, tags: 0, variationSelectors: 0, homoglyphWords: 0, leetWords: 0, spacedRuns: 0 };
}

/** Characters with no visible glyph that change nothing a reader sees. ZWJ is kept apart: emoji use it. */
export function isInvisibleFormat(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x180e ||
    cp === 0x034f ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0
  );
}

export function isBidiControl(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

export function isTagChar(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}

export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Step 1: remove invisible characters and decode tag smuggling. Keeps case and whitespace. */
export function stripInvisible(input: string, stats: NormalizeStats): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < input.length) {
    const cp = input.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    let replacement: string | null = null;
    if (isTagChar(cp)) {
      stats.tags++;
      // U+E0020–U+E007E mirror printable ASCII; the rest (language tag, cancel tag) carry nothing.
      replacement = cp >= 0xe0020 && cp <= 0xe007e ? String.fromCharCode(cp - 0xe0000) : '';
    } else if (isBidiControl(cp)) {
      stats.bidi++;
      replacement = '';
    } else if (isVariationSelector(cp)) {
      stats.variationSelectors++;
      replacement = '';
    } else if (isInvisibleFormat(cp)) {
      stats.invisible++;
      replacement = '';
    }
    if (replacement !== null) {
      out += input.slice(runStart, i) + replacement;
      runStart = i + width;
    }
    i += width;
  }
  return runStart === 0 ? input : out + input.slice(runStart);
}

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

const LETTER = /\p{L}/u;
const WORD_SPLIT = /\s+/;
const PLAIN_TOKEN = /^[a-z.,;:?'"()-]+$/;
const DOTTED_WORD = /(?<![\p{L}.\-_*])\p{L}(?:[.\-_*]\p{L}){2,}(?![\p{L}])/gu;

/**
 * Leetspeak shape: a run of leet symbols between two letters ("h3llo", "1nstruct10ns"), or a word that
 * starts with one before ≥2 letters ("4ll", "1gnore") and is not an ordinal ("1st", "4th"). Long
 * tokens (identifiers, base64) are never folded.
 */
function isLeetShaped(token: string): boolean {
  const chars = Array.from(token);
  // Identifiers, units and code are not leetspeak: long tokens, digits with no letter look-alike
  // (2, 6, 9), sigils ($var, @decorator), or a number run before letters ("14gb", "30kw").
  if (chars.length > 24 || /[269]/.test(token) || /^[@$]/.test(token)) return false;
  if (chars.length > 1 && LEET[chars[0]!] !== undefined && LEET[chars[1]!] !== undefined) return false;
  let i = 0;
  while (i < chars.length) {
    if (LEET[chars[i]!] === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && LEET[chars[j]!] !== undefined) j++;
    const before = i > 0 && LETTER.test(chars[i - 1]!);
    const after = j < chars.length && LETTER.test(chars[j]!);
    if (before && after) return true;
    if (
      i === 0 &&
      after &&
      j + 2 <= chars.length &&
      LETTER.test(chars[j + 1] ?? '') &&
      !/^\d+(?:st|nd|rd|th)$/.test(token)
    ) {
      return true;
    }
    i = j;
  }
  return false;
}

/** Folds one whitespace-free token: look-alikes when scripts are mixed, leetspeak when letters and digits mix. */
function foldToken(token: string, stats: NormalizeStats): string {
  let latin = 0;
  let confusable = 0;
  let letters = 0;
  let leet = 0;
  for (const ch of token) {
    if (ch >= 'a' && ch <= 'z') {
      latin++;
      letters++;
    } else if (isConfusable(ch)) {
      confusable++;
      letters++;
    } else if (LETTER.test(ch)) {
      letters++;
    } else if (LEET[ch] !== undefined) {
      leet++;
    }
  }
  let out = token;
  // Mixed Latin + look-alike is the tell; a whole word of look-alikes (≥4) is folded too ("іgnоrе" in Cyrillic).
  if (
    confusable > 0 &&
    ((latin > 0 && latin + confusable === letters) || (confusable >= 4 && confusable === letters))
  ) {
    out = foldConfusable(out);
    stats.homoglyphWords++;
  }
  // Leetspeak: a digit or symbol between two letters ("h3llo", "1gn0r3", "pr0mpt"); "gpt4" or "now!" stay.
  if (leet > 0 && letters >= 2 && isLeetShaped(out)) {
    let folded = '';
    for (const ch of out) folded += LEET[ch] ?? ch;
    stats.leetWords++;
    out = folded;
  }
  return out;
}

/** Joins runs of ≥4 single letters separated by one space or punctuation mark: "i g n o r e" → "ignore". */
function joinSpacedLetters(
  tokens: string[],
  starts: number[],
  ends: number[],
  stats: NormalizeStats,
): { tokens: string[]; rawStart: number[]; rawEnd: number[] } {
  const out: string[] = [];
  const rawStart: number[] = [];
  const rawEnd: number[] = [];
  let runFrom = -1;
  const flush = (to: number) => {
    if (runFrom < 0) return;
    if (to - runFrom >= 4) {
      out.push(tokens.slice(runFrom, to).join(''));
      rawStart.push(starts[runFrom]!);
      rawEnd.push(ends[to - 1]!);
      stats.spacedRuns++;
    } else {
      for (let k = runFrom; k < to; k++) {
        out.push(tokens[k]!);
        rawStart.push(starts[k]!);
        rawEnd.push(ends[k]!);
      }
    }
    runFrom = -1;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.length === 1 && LETTER.test(t)) {
      if (runFrom < 0) runFrom = k;
    } else {
      flush(k);
      out.push(t);
      rawStart.push(starts[k]!);
      rawEnd.push(ends[k]!);
    }
  }
  flush(tokens.length);
  return { tokens: out, rawStart, rawEnd };
}

/** JavaScript's `\s` without U+FEFF (an invisible character removed inside words, not a separator). */
function isSpaceCode(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const NON_ASCII = /[^\x00-\x7f]/;
const DOTTED_HINT = /[.\-_*]/;

/** A normalised text with, for each of its tokens, the raw span it came from. */
export interface NormalizedWithMap extends Normalized {
  /** Start of output token k in the normalised text, and the raw [start, end) it came from. */
  normStart: number[];
  rawStart: number[];
  rawEnd: number[];
}

/** Raw offset of the token holding normalised offset `pos` (start or end side). */
export function rawOffset(nz: NormalizedWithMap, pos: number, side: 'start' | 'end'): number {
  const starts = nz.normStart;
  if (starts.length === 0) return 0;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return side === 'start' ? nz.rawStart[lo]! : nz.rawEnd[lo]!;
}

function isPlainCode(c: number): boolean {
  // a-z . , ; : ? ' " ( ) -
  return (
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2e ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x3a ||
    c === 0x3f ||
    c === 0x27 ||
    c === 0x22 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x2d
  );
}

function foldWord(t: string, stats: NormalizeStats): string {
  // "i.g.n.o.r.e" / "s-a-y": ≥3 single letters joined by one separator are one disguised word.
  if (t.length >= 5 && DOTTED_HINT.test(t)) {
    t = t.replace(DOTTED_WORD, (m) => {
      stats.spacedRuns++;
      return m.replace(/[.\-_*]/g, '');
    });
  }
  return PLAIN_TOKEN.test(t) ? t : foldToken(t, stats);
}

/**
 * Plain ASCII text (the common case): lower-case once, walk the tokens by char code, fold only the
 * tokens that need it, and return the lower-cased text itself when nothing changed. Returns undefined
 * when spaced-out letters need the general path.
 */
function normalizeAscii(input: string): NormalizedWithMap | undefined {
  const stats = emptyStats();
  const lower = input.toLowerCase();
  const n = lower.length;
  const normStart: number[] = [];
  const rawStart: number[] = [];
  const rawEnd: number[] = [];
  let parts: string[] | undefined;
  let clean = true;
  let len = 0;
  let singles = 0;
  let i = 0;
  while (i < n) {
    const ws = i;
    while (i < n && isSpaceCode(lower.charCodeAt(i))) i++;
    if (i >= n) {
      if (i > ws) clean = false;
      break;
    }
    if (ws === 0 ? i > 0 : i - ws !== 1 || lower.charCodeAt(ws) !== 0x20) clean = false;
    const a = i;
    let plain = true;
    // Separators (. - _ *) inside the token: "i.g.n.o.r.e" needs at least two.
    let inner = 0;
    while (i < n) {
      const c = lower.charCodeAt(i);
      if (isSpaceCode(c)) break;
      if (plain && !isPlainCode(c)) plain = false;
      if ((c === 0x2e || c === 0x2d || c === 0x5f || c === 0x2a) && i > a) inner++;
      i++;
    }
    let t: string | undefined;
    if (!plain || (i - a >= 5 && inner >= 2)) {
      const raw = lower.slice(a, i);
      const folded = foldWord(raw, stats);
      if (folded !== raw) t = folded;
    }
    if (i - a === 1 && LETTER.test(lower[a]!)) {
      if (++singles >= 4) return undefined;
    } else singles = 0;
    if (t !== undefined && parts === undefined) {
      parts = [];
      for (let k = 0; k < rawStart.length; k++) parts.push(lower.slice(rawStart[k], rawEnd[k]));
    }
    const piece = t ?? (parts ? lower.slice(a, i) : undefined);
    if (parts) parts.push(piece!);
    if (len > 0) len++;
    normStart.push(len);
    rawStart.push(a);
    rawEnd.push(i);
    len += t !== undefined ? t.length : i - a;
  }
  let text: string;
  if (parts) text = parts.join(' ');
  else if (clean) text = lower;
  else {
    const pieces: string[] = [];
    for (let k = 0; k < rawStart.length; k++) pieces.push(lower.slice(rawStart[k], rawEnd[k]));
    text = pieces.join(' ');
  }
  return { text, stats, normStart, rawStart, rawEnd };
}

/**
 * Full normalisation for classification: strip invisibles and decode tags, NFKC (full-width, math
 * alphanumerics, ligatures), lower-case, fold look-alikes and leetspeak per word, join spaced letters,
 * collapse whitespace. Works token by token (raw whitespace-separated runs), so every normalised
 * token maps back to the raw span it came from; plain ASCII text takes a fast path.
 */
export function normalizeWithMap(input: string): NormalizedWithMap {
  if (!NON_ASCII.test(input)) {
    const fast = normalizeAscii(input);
    if (fast !== undefined) return fast;
  }
  const stats = emptyStats();
  const tokens: string[] = [];
  const rawStart: number[] = [];
  const rawEnd: number[] = [];
  const n = input.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpaceCode(input.charCodeAt(i))) i++;
    if (i >= n) break;
    const a = i;
    while (i < n && !isSpaceCode(input.charCodeAt(i))) i++;
    let t = input.slice(a, i);
    t = NON_ASCII.test(t) ? stripInvisible(t, stats).normalize('NFKC').toLowerCase() : t.toLowerCase();
    // Tag characters and NFKC can produce spaces: split again.
    for (const p of t.split(WORD_SPLIT)) {
      if (p.length === 0) continue;
      tokens.push(foldWord(p, stats));
      rawStart.push(a);
      rawEnd.push(i);
    }
  }
  const joined = joinSpacedLetters(tokens, rawStart, rawEnd, stats);
  const normStart: number[] = [];
  let len = 0;
  for (const t of joined.tokens) {
    normStart.push(len);
    len += t.length + 1;
  }
  return { text: joined.tokens.join(' '), stats, normStart, rawStart: joined.rawStart, rawEnd: joined.rawEnd };
}

export function normalizeForClassification(input: string): Normalized {
  const { text, stats } = normalizeWithMap(input);
  return { text, stats };
}
