/**
 * Score → response, per tenant. Levels escalate log < alert < throttle < degrade < block; the
 * strongest level whose threshold the score reaches applies.
 */
import type { ExtractionConfig, ExtractionThresholds } from '../config/extraction.js';
import type { Action } from '../core/findings.js';

export type ResponseLevel = 'log' | 'alert' | 'throttle' | 'degrade' | 'block';
export const LEVELS: readonly ResponseLevel[] = ['log', 'alert', 'throttle', 'degrade', 'block'];

export interface ResolvedPolicy {
  enabled: boolean;
  thresholds: ExtractionThresholds;
  allow: ReadonlySet<string>;
}

export function actionFor(score: number, t: ExtractionThresholds): Action {
  let action: Action = 'allow';
  for (const level of LEVELS) {
    const th = t[level];
    if (th !== null && score >= th) action = level;
  }
  return action;
}

/** Whether an action is stronger than logging: the spec's meaning of "flagged". */
export function isFlagAction(a: Action): boolean {
  return a === 'alert' || a === 'throttle' || a === 'degrade' || a === 'block';
}

/** Merges a tenant's overrides over the defaults once; the result is cached by the caller. */
export function resolvePolicy(cfg: ExtractionConfig, tenant: string | undefined): ResolvedPolicy {
  const o = tenant === undefined ? undefined : cfg.tenants[tenant];
  const thresholds = { ...cfg.thresholds };
  if (o?.thresholds) {
    for (const level of LEVELS) {
      const v = o.thresholds[level];
      if (v !== undefined) thresholds[level] = v;
    }
  }
  return {
    enabled: o?.enabled ?? cfg.enabled,
    thresholds,
    allow: new Set([...cfg.allow_accounts, ...(o?.allow_accounts ?? [])]),
  };
}
