/**
 * Typed placeholders (`[EMAIL_1]`, `[SECRET_2]`) that stand for redacted values in one request. The table
 * lives only in memory for that request; it is what the restore filter uses to put values back in the answer.
 */

/** Matches any placeholder-shaped token: `[` LABEL `_` number `]`. Linear: no nested quantifiers. */
export const PLACEHOLDER_RE = /\[[A-Z][A-Z_]*_[0-9]+\]/g;

/** `pii.email` → `EMAIL`, `pii.ip_address` → `IP_ADDRESS`; every secret is `SECRET` (its kind is itself a hint). */
export function labelFor(detector: string): string {
  if (detector.startsWith('secret.')) return 'SECRET';
  const dot = detector.indexOf('.');
  const label = (dot >= 0 ? detector.slice(dot + 1) : detector).toUpperCase().replace(/[^A-Z]+/g, '_');
  const trimmed = label.replace(/^_+|_+$/g, '');
  return trimmed === '' ? 'REDACTED' : trimmed;
}

export class PlaceholderTable {
  readonly #byValue = new Map<string, string>();
  readonly #byPlaceholder = new Map<string, string>();
  readonly #next = new Map<string, number>();
  readonly #reserved = new Set<string>();

  /**
   * `texts`: every text of the request. Placeholder-shaped tokens already there are never handed out, so a
   * user's literal `[EMAIL_1]` is not "restored" into someone's address.
   */
  constructor(texts: Iterable<string> = []) {
    for (const t of texts) this.reserve(t);
  }

  reserve(text: string): void {
    if (text.indexOf('[') < 0) return;
    for (const m of text.matchAll(PLACEHOLDER_RE)) this.#reserved.add(m[0]);
  }

  /** Same value → same placeholder within the table, whichever detector found it. */
  placeholderFor(detector: string, value: string): string {
    const known = this.#byValue.get(value);
    if (known !== undefined) return known;
    const label = labelFor(detector);
    let n = this.#next.get(label) ?? 1;
    let candidate = `[${label}_${n}]`;
    while (this.#reserved.has(candidate)) candidate = `[${label}_${++n}]`;
    this.#next.set(label, n + 1);
    this.#byValue.set(value, candidate);
    this.#byPlaceholder.set(candidate, value);
    return candidate;
  }

  /** placeholder → original value. */
  get mapping(): ReadonlyMap<string, string> {
    return this.#byPlaceholder;
  }

  get size(): number {
    return this.#byPlaceholder.size;
  }
}
