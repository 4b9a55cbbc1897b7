import type { Finding } from '../../core/findings.js';
import { KeywordIndex } from '../text/keyword-index.js';
import { lowerOf } from '../text/lower.js';
import { resolveOverlaps } from '../text/overlap.js';
import type { DetectContext, Detector } from '../types.js';
import { connectionUrlDetector } from './connection-url.js';
import { genericSecretDetector } from './generic.js';
import { jwtDetector } from './jwt.js';
import { privateKeyDetector } from './private-key.js';
import { ruleDetector, type SecretRule } from './rule.js';
import { aiRules } from './rules/ai.js';
import { cloudRules } from './rules/cloud.js';
import { codeHostingRules } from './rules/code-hosting.js';
import { infraRules } from './rules/infra.js';
import { saasRules } from './rules/saas.js';

/** Every prefix/structure rule, one detector each so policy can set an action per detector name. */
export const secretRules: readonly SecretRule[] = [
  ...aiRules,
  ...codeHostingRules,
  ...cloudRules,
  ...saasRules,
  ...infraRules,
];

/**
 * Every secrets detector, in evaluation order: structured formats first (private keys, JWTs, URLs), then the
 * prefix rules, then the context-only generic rule, which loses any overlap to a specific one.
 */
const keywordIndex = new KeywordIndex(secretRules.map((r) => r.keywords));

export const secretsDetectors: readonly Detector[] = [
  privateKeyDetector,
  jwtDetector,
  connectionUrlDetector,
  ...secretRules.map((r, i) => ruleDetector(r, (text) => keywordIndex.hits(lowerOf(text))[i] === 1)),
  genericSecretDetector,
];

/** Alias under the name the tracker uses. */
export const secretDetectors = secretsDetectors;

const PRIORITY: ReadonlyMap<string, number> = new Map(secretsDetectors.map((d, i) => [d.name, i]));

/** Runs every secrets detector and resolves overlapping claims, so each region of text is reported once. */
export function detectSecrets(text: string, ctx: DetectContext): Finding[] {
  const all: Finding[] = [];
  for (const d of secretsDetectors) {
    const found = d.detect(text, ctx);
    for (const f of found) all.push(f);
  }
  return resolveOverlaps(all, PRIORITY);
}
