import type { ResponseFilter } from '../../../src/core/exchange.js';
import type { Finding, FindingCategory } from '../../../src/core/findings.js';
import type { Detector } from '../../../src/guards/types.js';

/** A real Detector over a regex, for tests that must not depend on the detector families' progress. */
export function regexDetector(name: string, category: FindingCategory, re: RegExp, score: number): Detector {
  return {
    name,
    category,
    defaultAction: 'redact',
    description: `test double: ${re.source}`,
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      for (const m of text.matchAll(new RegExp(re.source, 'g'))) {
        out.push({ detector: name, category, score, start: m.index, end: m.index + m[0].length });
      }
      return out;
    },
  };
}

export const emailDetector = regexDetector('pii.email', 'pii', /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 0.9);
export const phoneDetector = regexDetector('pii.phone', 'pii', /\+[0-9]{2}[0-9 ]{8,14}[0-9]/, 0.8);
export const openaiKeyDetector = regexDetector('secret.openai_api_key', 'secret', /sk-[A-Za-z0-9]{24}/, 0.99);

/** Spanless injection double: scores 0.97 on "ignore previous instructions", 0.3 on "ignore". */
export const injectionDetector: Detector = {
  name: 'injection.test',
  category: 'injection',
  defaultAction: 'block',
  description: 'test double',
  detect(text: string): Finding[] {
    if (/ignore (all )?previous instructions/i.test(text))
      return [{ detector: 'injection.test', category: 'injection', score: 0.97 }];
    if (/ignore/i.test(text)) return [{ detector: 'injection.test', category: 'injection', score: 0.3 }];
    return [];
  },
};

/** Emits exactly the given findings whatever the text: for overlap and malformed-output cases. */
export function fixedDetector(name: string, findings: Finding[]): Detector {
  return {
    name,
    category: findings[0]?.category ?? 'pii',
    defaultAction: 'redact',
    description: 'test double',
    detect: () => findings.map((f) => ({ ...f })),
  };
}

export const testDetectors: readonly Detector[] = [emailDetector, phoneDetector, openaiKeyDetector, injectionDetector];

/** Runs chunks through filters in order, as the gateway does, flushing each filter into the next. */
export function runFilters(filters: readonly ResponseFilter[], channel: string, chunks: readonly string[]): string {
  let out = '';
  for (const chunk of chunks) {
    let t = chunk;
    for (const f of filters) t = f.push(channel, t);
    out += t;
  }
  for (let i = 0; i < filters.length; i++) {
    let t = filters[i]!.flush(channel);
    for (let j = i + 1; j < filters.length; j++) t = filters[j]!.push(channel, t);
    out += t;
  }
  return out;
}

/** Every way to cut `text` into 1, 2 or 3 consecutive chunks (empty chunks included at the ends). */
export function* cuts(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) {
    yield [text.slice(0, i), text.slice(i)];
    for (let j = i; j <= text.length; j++) yield [text.slice(0, i), text.slice(i, j), text.slice(j)];
  }
}
