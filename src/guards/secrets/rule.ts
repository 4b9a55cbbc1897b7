import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { shannonEntropy } from '../text/entropy.js';
import { spanFinding } from '../text/finding.js';
import { lowerOf } from '../text/lower.js';
import type { Detector } from '../types.js';

/**
 * A secret rule: literal keywords (a cheap prefilter: if none occurs in the lowercased text the regex never
 * runs), a regex anchored on a fixed prefix or structure with bounded quantifiers, and an optional validator
 * (checksum, decoding). The secret's span is the named group `secret` (or `legacy`/`token` for a rule's
 * alternative forms) when the pattern has one, else the whole match.
 */
export interface SecretRule {
  /** Detector name without the family prefix, e.g. `aws_access_key` → `secret.aws_access_key`. */
  readonly id: string;
  readonly description: string;
  /** Lowercase literals; at least one occurs in every match. */
  readonly keywords: readonly string[];
  /** A global regex. Must be linear: literal anchor, bounded quantifiers, no nested quantifiers. */
  readonly pattern: RegExp;
  /** Extra check on the secret (and the full match); returning a number overrides the score. */
  readonly validate?: (secret: string, match: RegExpExecArray, text: string) => boolean | number;
  /** Score when the rule fires; default 0.9. */
  readonly score?: number;
  /** Minimum Shannon entropy (bits/char) of the secret, to drop placeholders; default 3. */
  readonly minEntropy?: number;
  readonly defaultAction?: 'redact' | 'block';
  /** Formats with fixed filler (Twitter's `AAAA…` bearer prefix) skip the placeholder check. */
  readonly allowRepeats?: boolean;
}

export { lowerOf } from '../text/lower.js';

/**
 * Placeholders and documentation samples: AWS's documented `…EXAMPLE` keys, "xxxx" masks, "<your-key>",
 * "your_api_key", runs of one character, and ellipses. Reported as nothing: they are not credentials.
 */
const PLACEHOLDER =
  /example|x{6,}|\*{4,}|\.{3}|your[_-]?(?:api)?[_-]?(?:key|token|secret)|<[^>]{0,40}>|\$\{|\{\{|replace[_-]?me|dummy|placeholder|redacted|changeme|insert[_-]?/i;

export function isPlaceholder(secret: string): boolean {
  if (PLACEHOLDER.test(secret)) return true;
  // A long run of one character (`sk-aaaaaaaa…`) or a counting sequence is a mask, not a key.
  if (/(.)\1{7,}/.test(secret)) return true;
  return /0123456789|abcdefghij|1234567890/i.test(secret);
}

/**
 * `gate(text)` says whether one of the rule's keywords occurs in the text; the secrets index passes one backed
 * by a shared KeywordIndex. Without it the keywords are checked one by one.
 */
export function ruleDetector(rule: SecretRule, gate?: (text: string) => boolean): Detector {
  const name = `secret.${rule.id}`;
  const score = rule.score ?? 0.9;
  const minEntropy = rule.minEntropy ?? 3;
  const { keywords, pattern, validate } = rule;
  const hasKeyword =
    gate ??
    ((text: string): boolean => {
      const lower = lowerOf(text);
      for (const k of keywords) if (lower.includes(k)) return true;
      return false;
    });
  return {
    name,
    category: 'secret',
    defaultAction: rule.defaultAction ?? 'redact',
    description: rule.description,
    detect(text: string): Finding[] {
      if (!hasKeyword(text)) return [];
      const out: Finding[] = [];
      forEachMatch(pattern, text, (m) => {
        const g = m.groups;
        const named = g?.secret ?? g?.legacy ?? g?.token;
        const secret = named ?? m[0];
        if ((!rule.allowRepeats && isPlaceholder(secret)) || shannonEntropy(secret) < minEntropy) return;
        let s = score;
        if (validate !== undefined) {
          const v = validate(secret, m, text);
          if (v === false) return;
          if (typeof v === 'number') s = v;
        }
        const offset = named !== undefined ? m[0].lastIndexOf(secret) : 0;
        const start = m.index + offset;
        out.push(spanFinding(name, 'secret', s, start, start + secret.length));
      });
      return out;
    },
  };
}

/**
 * A token with no prefix of its own, recognised only after its service's name and an assignment
 * (`COHERE_API_KEY=…`, `"datadog_api_key": "…"`). `service` is a regex fragment of names (lowercase);
 * `token` the token's own shape.
 */
export function contextRule(
  id: string,
  description: string,
  keywords: readonly string[],
  service: string,
  token: string,
  extra: Partial<SecretRule> = {},
): SecretRule {
  return {
    id,
    description,
    keywords,
    // service word, up to 30 identifier chars (`_API_KEY`, `-token`), optional quote, `=`/`:`, optional
    // quote, then the token. All bounded.
    pattern: new RegExp(
      `(?:${service})[\\w.\\-]{0,30}['"]?[ \\t]{0,3}(?:=|:|:=|=>)[ \\t]{0,3}['"]?(?<secret>${token})(?![A-Za-z0-9_\\-+/])`,
      'gi',
    ),
    score: 0.85,
    ...extra,
  };
}
