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
function joinSpacedLetters(tokens: string[], stats: NormalizeStats): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 4) {
      out.push(run.join(''));
      stats.spacedRuns++;
    } else out.push(...run);
    run = [];
  };
  for (const t of tokens) {
    if (t.length === 1 && LETTER.test(t)) run.push(t);
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}

/**
 * Full normalisation for classification: strip invisibles and decode tags, NFKC (full-width, math
 * alphanumerics, ligatures), lower-case, fold look-alikes and leetspeak per word, join spaced letters,
 * collapse whitespace.
 */
export function normalizeForClassification(input: string): Normalized {
  const stats = emptyStats();
  let text = stripInvisible(input, stats).normalize('NFKC').toLowerCase();
  // "i.g.n.o.r.e" / "s-a-y": ≥3 single letters joined by one separator are one disguised word.
  text = text.replace(DOTTED_WORD, (m) => {
    stats.spacedRuns++;
    return m.replace(/[.\-_*]/g, '');
  });
  const parts = text.split(WORD_SPLIT);
  const tokens: string[] = [];
  for (const p of parts) {
    if (p.length === 0) continue;
    // Fast path: plain ASCII words with ordinary punctuation have nothing to fold.
    tokens.push(PLAIN_TOKEN.test(p) ? p : foldToken(p, stats));
  }
  return { text: joinSpacedLetters(tokens, stats).join(' '), stats };
}
