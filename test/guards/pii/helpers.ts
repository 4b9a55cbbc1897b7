import type { Detector } from '../../../src/guards/types.js';

/** [detector, matched text, start] of every finding, for compact assertions. */
export function found(d: Detector, text: string): [string, string, number][] {
  return d.detect(text, { role: 'user' }).map((f) => [f.detector, text.slice(f.start, f.end), f.start!]);
}

/** Just the matched texts. */
export function values(d: Detector, text: string): string[] {
  return d.detect(text, { role: 'user' }).map((f) => text.slice(f.start, f.end));
}
