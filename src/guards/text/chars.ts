/** Character-class helpers for boundary checks, kept branch-cheap for the hot path. */

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Keeps only ASCII digits. */
export function digitsOnly(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

let countedText = '';
let counted = 0;

/**
 * True when text contains at least `n` ASCII digits; a cheap prefilter for numeric detectors. The count is
 * remembered for the last text, since every numeric detector asks about the same one.
 */
export function hasDigits(text: string, n: number): boolean {
  if (text !== countedText) {
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) count++;
    }
    countedText = text;
    counted = count;
  }
  return counted >= n;
}

/** Runs a global regex over text and calls `each` with every match. Resets lastIndex first. */
export function forEachMatch(re: RegExp, text: string, each: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  let m = re.exec(text);
  while (m !== null) {
    each(m);
    if (m[0].length === 0) re.lastIndex++;
    m = re.exec(text);
  }
}
