import { createHash } from 'node:crypto';
import type { Action, Finding } from '../core/findings.js';
import type { TextRole } from './types.js';

/** A detector's finding with the declaration of the detector that produced it. */
export interface DetectedFinding {
  readonly finding: Readonly<Finding>;
  readonly declared: Action;
}

/**
 * Detector results by text, for conversations: every turn resends the whole history, so without this each
 * past message is inspected again on every request. Keys are SHA-256 digests of role and text, so the cache
 * holds no text, only digests, offsets and scores. Least recently used entries go first; detectors are pure,
 * so a hit is exactly what a run would return.
 */
export class DetectionCache {
  readonly #entries = new Map<string, readonly DetectedFinding[]>();

  constructor(
    readonly maxEntries: number,
    /** Shorter texts are cheaper to inspect than to hash and look up. */
    readonly minChars = 64,
    /** Longer texts are rarely repeated and would make one digest cost more than it saves. */
    readonly maxChars = 256 * 1024,
  ) {}

  key(role: TextRole, text: string): string | undefined {
    if (this.maxEntries <= 0 || text.length < this.minChars || text.length > this.maxChars) return undefined;
    return createHash('sha256').update(role).update('\u0000').update(text).digest('base64');
  }

  get(key: string): readonly DetectedFinding[] | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: DetectedFinding[]): void {
    for (const d of value) Object.freeze(d.finding);
    this.#entries.set(key, Object.freeze(value));
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}
