/**
 * Runs of digits and the separators people type inside numbers (space, - . / ( ) +), found in one pass and
 * remembered for the last text. Numeric detectors scan only the runs holding enough digits instead of the
 * whole text: in prose and logs most characters are not in such a run, and most runs are short.
 */
export interface DigitRun {
  readonly start: number;
  readonly end: number;
  readonly digits: number;
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41 || c === 43 || c === 9;
}

let lastText = '';
let lastRuns: DigitRun[] = [];

export function digitRuns(text: string): readonly DigitRun[] {
  if (text === lastText) return lastRuns;
  const runs: DigitRun[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    // A run starts at a digit (an opening '(' or '+' right before it is included) and continues through
    // digits and at most two separators in a row.
    let start = i;
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    if (before === 40 || before === 43) start--;
    let digits = 0;
    let lastDigit = i;
    let seps = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 48 && d <= 57) {
        digits++;
        lastDigit = i;
        seps = 0;
      } else if (isSeparator(d) && seps < 2) {
        seps++;
      } else {
        break;
      }
      i++;
    }
    runs.push({ start, end: lastDigit + 1, digits });
  }
  lastText = text;
  lastRuns = runs;
  return runs;
}

/**
 * Runs a global regex over the parts of `text` around digit runs with at least `minDigits` digits, calling
 * `each` with matches whose `index` is an offset into the whole text. `margin` characters either side give
 * lookbehinds, lookaheads and letter prefixes/suffixes (a DNI's letter) room to see their context.
 */
export function forEachMatchInRuns(
  re: RegExp,
  text: string,
  minDigits: number,
  each: (m: RegExpExecArray) => void,
  margin = 4,
): void {
  // Windows of neighbouring runs may overlap; a match is reported once, in text order.
  let reportedTo = 0;
  for (const run of digitRuns(text)) {
    if (run.digits < minDigits) continue;
    const from = Math.max(run.start - margin, 0);
    const to = Math.min(text.length, run.end + margin);
    const part = text.slice(from, to);
    re.lastIndex = 0;
    let m = re.exec(part);
    while (m !== null) {
      m.index += from;
      if (m.index >= reportedTo) {
        reportedTo = m.index + m[0].length;
        each(m);
      }
      if (m[0].length === 0) re.lastIndex++;
      m = re.exec(part);
    }
  }
}
