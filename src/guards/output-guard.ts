import type { ResponseFilter } from '../core/exchange.js';
import type { Action, Finding } from '../core/findings.js';
import { DetectorError, type FindingAction } from './engine.js';
import { createOutputScanFilter, type Fence } from './output-scanner.js';
import type { GuardPolicy } from './policy.js';
import { detectorFailed } from './report.js';
import type { Detector } from './types.js';

export const OUTPUT_GUARD_FILTER_NAME = 'guards.output';

/** Context the detectors get: every answer channel is the assistant speaking. */
const ASSISTANT = { role: 'assistant' } as const;

/**
 * Longest whitespace-free value held whole on a stream (keys, JWTs, emails, URLs). Longer runs are scanned
 * and sent in pieces of this size, so a value longer than this may be caught only in part.
 */
export const TOKEN_HOLD_CHARS = 4096;

/**
 * Longest value printed with spaces that the PII detectors accept, held whole while it may still grow: an
 * IBAN in groups of four as pii/iban.ts's candidate allows it, `CC00 XXXX` + six more groups + a last group
 * of up to four = 4 + 7 × 5 + 5 = 44 characters. The others are shorter: a 19-digit card in groups
 * (`6011 0009 9013 9424 123`, 23; 37 with a separator between every digit), a phone number with extension
 * (`+44 (0) 20 7946 0958 ext. 123`, 29), a date (`12 de septiembre de 1985`, 24), a PEM header line
 * (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, 37). Street addresses and names can be longer: they are held
 * further only while a detector already matches them (see RIGHT_CONTEXT_CHARS).
 */
export const SPACED_HOLD_CHARS = 44;

/**
 * Characters after a value within which context words still change a detector's verdict: pii/credit-card.ts
 * looks 16 characters ahead (ContextWords.near's default), us-ssn and the pattern detectors 8. A finding
 * ending closer than this to the end of what has arrived is held until this much follows it.
 */
export const RIGHT_CONTEXT_CHARS = 16;

/**
 * Sent text kept as left context for the detectors: the context-word window (text/context.ts, 48) with room
 * for a secret's assignment name before its value (`client_secret_production" := "`, up to ~55).
 */
export const OUTPUT_LOOKBEHIND_CHARS = 64;

/** PEM armour: held from BEGIN to the END line, up to the longest key secrets/private-key.ts reads (16 KB). */
export const PEM_FENCE: Fence = { open: '-----BEGIN ', close: '-----END ', maxChars: 16_384 };

/**
 * Lower-case words the spaced formats contain: month names and abbreviations the date detector matches in
 * any case ("12 de marzo de 1985"), name particles ("Ludwig van Beethoven"), French and Spanish street words
 * ("12 rue de la Paix", "12 bis avenue des Champs"), phone extensions. Kept in step with pii/date-of-birth.ts,
 * person-name.ts, street-address.ts, address-parts.ts and phone.ts. Capitalised words and words with digits are accepted anyway.
 */
const SPACED_WORDS: ReadonlySet<string> = new Set([
  ...['jan', 'january', 'feb', 'february', 'mar', 'march', 'apr', 'april', 'may', 'jun', 'june', 'jul', 'july'],
  ...['aug', 'august', 'sep', 'sept', 'september', 'oct', 'october', 'nov', 'november', 'dec', 'december'],
  ...['januar', 'jänner', 'februar', 'märz', 'mai', 'juni', 'juli', 'oktober', 'dezember'],
  ...['janvier', 'février', 'fevrier', 'mars', 'avril', 'juin', 'juillet', 'août', 'aout', 'septembre'],
  ...['octobre', 'novembre', 'décembre', 'decembre', 'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio'],
  ...['julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre'],
  ...['van', 'von', 'de', 'der', 'del', 'da', 'di', 'le', 'la', 'du', 'des', 'bin', 'al', "d'", "l'"],
  ...['rue', 'avenue', 'av', 'boulevard', 'bd', 'place', 'chemin', 'allée', 'impasse', 'quai', 'route', 'cours'],
  ...['bis', 'ter', 'avda', 'c/', 'n°', 'nº', 'no', 'ext', 'x', '#', 'ul.', 'al.', 'u.'],
]);

/** Every proper prefix of a SPACED_WORDS entry: the word being written may still become one. */
const SPACED_PREFIXES: ReadonlySet<string> = new Set(
  [...SPACED_WORDS].flatMap((w) => Array.from({ length: w.length - 1 }, (_, i) => w.slice(0, i + 1))),
);

/** Quotes, brackets and emphasis around a value, and punctuation after it. */
const OPENERS = `"'([{<«“‘*_\``;
const CLOSERS = `"')]}>»”’*_\`.,;:!?`;
/** What a spaced value's token is made of: letters, digits and the separators the formats use. */
const VALUE_CORE = /^[\p{L}\p{M}\p{Nd}\-./()+#'’:&°º]*$/u;
const CAPITAL_OR_DIGIT = /[\p{Lu}\p{Lt}\p{Nd}]/u;

/**
 * Whether a space-free token could be part of a PII value printed with spaces (see SPACED_HOLD_CHARS): a
 * capitalised word or one with digits made of value characters (`+44`, `(415)`, `Müller-Lüdenscheidt`,
 * `St.,`), or a lower-case word the formats contain. `partial`: the token is still being written, so a
 * prefix of such a word counts. Prose words (`write`, `the`) and placeholders (`[EMAIL_1]`) are not.
 */
export function spacedValueToken(token: string, partial = false): boolean {
  let a = 0;
  let b = token.length;
  while (a < b && OPENERS.includes(token[a]!)) a++;
  while (b > a && CLOSERS.includes(token[b - 1]!)) b--;
  if (a === b) return partial || token.length <= 1;
  const core = a === 0 && b === token.length ? token : token.slice(a, b);
  if (!VALUE_CORE.test(core)) return false;
  if (CAPITAL_OR_DIGIT.test(core)) return true;
  const word = core.toLowerCase();
  return SPACED_WORDS.has(word) || (partial && b === token.length && SPACED_PREFIXES.has(word));
}

const outputDetectorCache = new WeakMap<GuardPolicy, readonly Detector[]>();

/** The policy's PII/secret detectors whose category is guarded on output; computed once per policy. */
export function outputDetectors(policy: GuardPolicy): readonly Detector[] {
  let list = outputDetectorCache.get(policy);
  if (list === undefined) {
    list = policy.detectors.filter(
      (d) => (d.category === 'pii' && policy.output.pii) || (d.category === 'secret' && policy.output.secret),
    );
    outputDetectorCache.set(policy, list);
  }
  return list;
}

/**
 * PII and secrets in the answer: `redact` masks them as `[REDACTED:<detector>]`, `block` ends the answer
 * with PCX_OUTPUT_BLOCKED (thrown by `report`). The filter sees the upstream's text, placeholders included,
 * so a user's own redacted values come back as placeholders and are not flagged here.
 */
export function createOutputGuardFilter(
  policy: GuardPolicy,
  report: (finding: Finding, action: FindingAction, channel: string) => void,
): ResponseFilter | undefined {
  const detectors = outputDetectors(policy);
  if (detectors.length === 0) return undefined;
  // Which detector's declaration applies to a finding; weak, so findings of past windows are not kept.
  const declared = new WeakMap<Finding, Action>();
  return createOutputScanFilter({
    name: OUTPUT_GUARD_FILTER_NAME,
    tokenChars: TOKEN_HOLD_CHARS,
    spacedChars: SPACED_HOLD_CHARS,
    spacedToken: spacedValueToken,
    rightContextChars: RIGHT_CONTEXT_CHARS,
    lookbehindChars: OUTPUT_LOOKBEHIND_CHARS,
    fences: [PEM_FENCE],
    detect(text) {
      const out: Finding[] = [];
      for (const d of detectors) {
        let found: Finding[];
        try {
          found = d.detect(text, ASSISTANT);
        } catch (err) {
          // Fail closed: an answer that cannot be inspected is ended, not passed on unchecked.
          throw detectorFailed(new DetectorError(d.name, err));
        }
        for (const f of found) {
          declared.set(f, d.defaultAction);
          out.push(f);
        }
      }
      return out;
    },
    judge(finding, value) {
      const cat = finding.category;
      if ((cat === 'pii' && !policy.output.pii) || (cat === 'secret' && !policy.output.secret)) return undefined;
      if (cat !== 'pii' && cat !== 'secret') return undefined;
      const rule = policy.ruleFor(finding.detector, cat, 'assistant', declared.get(finding));
      if (rule.action === 'off' || finding.score < rule.threshold || policy.isAllowed(value)) return undefined;
      return rule.action;
    },
    report,
  });
}
