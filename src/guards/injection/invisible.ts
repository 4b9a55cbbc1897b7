/**
 * `injection.invisible_chars`: characters a reader cannot see but a model reads. Unicode tag characters
 * (U+E0000–U+E007F) smuggle whole ASCII instructions; bidi overrides reorder what a reviewer sees
 * (Trojan Source, CVE-2021-42574); zero-width characters split keywords; long runs of variation
 * selectors encode bytes. Legitimate uses are excluded: emoji subdivision flags (tags after U+1F3F4),
 * ZWJ emoji sequences, ZWNJ and direction marks in Arabic, Persian, Hebrew and Indic scripts.
 */

import type { Finding } from '../../core/findings.js';
import type { DetectContext, Detector } from '../types.js';
import { isBidiControl, isInvisibleFormat, isTagChar, isVariationSelector } from './normalize.js';

const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

function isLatinOrDigit(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39);
}

function isRtlLetter(cp: number): boolean {
  return (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);
}

interface Tally {
  count: number;
  first: number;
  last: number;
}

function tally(t: Tally | undefined, at: number, width: number): Tally {
  if (t === undefined) return { count: 1, first: at, last: at + width };
  t.count++;
  t.last = at + width;
  return t;
}

export function detectInvisible(text: string, _ctx: DetectContext): Finding[] {
  let tags: Tally | undefined;
  let override: Tally | undefined;
  let embed: Tally | undefined;
  let zeroWidth: Tally | undefined;
  let vsRunMax = 0;
  let vsRun = 0;
  let vsStart = -1;
  let vsBest: [number, number] = [0, 0];
  let rtl = false;
  let prevCp = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isRtlLetter(cp)) rtl = true;
    if (isVariationSelector(cp)) {
      if (vsRun === 0) vsStart = i;
      vsRun++;
      if (vsRun > vsRunMax) {
        vsRunMax = vsRun;
        vsBest = [vsStart, i + width];
      }
    } else vsRun = 0;

    if (cp === BLACK_FLAG) {
      // Subdivision flag: U+1F3F4, up to 6 tag letters, U+E007F. Skip it whole.
      let j = i + 2;
      let n = 0;
      while (j < text.length && n < 7) {
        const t = text.codePointAt(j)!;
        j += 2;
        n++;
        if (t === CANCEL_TAG || !isTagChar(t)) break;
      }
      const last = text.codePointAt(j - 2);
      if (last === CANCEL_TAG) {
        i = j;
        prevCp = CANCEL_TAG;
        continue;
      }
    } else if (isTagChar(cp)) tags = tally(tags, i, width);
    else if (cp === 0x202d || cp === 0x202e) override = tally(override, i, width);
    else if (isBidiControl(cp)) embed = tally(embed, i, width);
    else if (isInvisibleFormat(cp) || cp === 0x200d) {
      const next = text.codePointAt(i + width) ?? 0;
      // Only between Latin letters or digits: that is where a zero-width splits a keyword.
      if (isLatinOrDigit(prevCp) && isLatinOrDigit(next)) zeroWidth = tally(zeroWidth, i, width);
      i += width;
      continue; // keep prevCp as the letter before, so "a\u200b\u200bb" counts both
    }
    prevCp = cp;
    i += width;
  }

  const findings: Finding[] = [];
  const push = (score: number, t: { first: number; last: number }, reason: string) =>
    findings.push({
      detector: 'injection.invisible_chars',
      category: 'injection',
      score,
      start: t.first,
      end: t.last,
      reason,
    });
  if (tags) push(tags.count >= 4 ? 0.97 : 0.8, tags, 'tag_characters');
  if (vsRunMax >= 4) push(vsRunMax >= 16 ? 0.95 : 0.7, { first: vsBest[0], last: vsBest[1] }, 'variation_selector_run');
  if (override) push(rtl ? 0.5 : 0.8, override, 'bidi_override');
  if (embed && !rtl) push(0.5, embed, 'bidi_embedding');
  if (zeroWidth) push(zeroWidth.count >= 3 ? 0.8 : 0.4, zeroWidth, 'zero_width_in_word');
  return findings;
}

export const invisibleCharsDetector: Detector = {
  name: 'injection.invisible_chars',
  category: 'injection',
  defaultAction: 'block',
  description:
    'Invisible characters that hide instructions: Unicode tags, bidi overrides, zero-width splits, variation-selector runs',
  detect: detectInvisible,
};
