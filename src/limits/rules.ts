import type { LimitRule, LimitsConfig } from '../config/limits.js';
import type { BucketSpec, SpendSpec } from './counters.js';
import { spendPeriods } from './pricing.js';

const MINUTE = 60_000;

export interface Subject {
  tenant: string;
  keyId: string;
  model: string;
}

export interface Plan {
  requestBuckets: BucketSpec[];
  inputBuckets: BucketSpec[];
  outputBuckets: BucketSpec[];
  concurrency: Array<{ key: string; limit: number }>;
  spends: SpendSpec[];
}

function counterId(rule: LimitRule, index: number, s: Subject): string {
  switch (rule.scope) {
    case 'key':
      return `r${index}:k:${s.keyId}`;
    case 'tenant':
      return `r${index}:t:${s.tenant}`;
    case 'model':
      return `r${index}:m:${s.tenant}:${s.model}`;
  }
}

/**
 * Which counters an exchange touches, and by how much. Rule indexes are part of every counter key so two
 * rules of one scope never share a counter; ids are encoded so a `:` in a model name cannot alias another.
 */
export function planFor(
  cfg: LimitsConfig,
  s: Subject,
  cost: { inputTokens: number; reserveMicros: number },
  now: number,
): Plan {
  const plan: Plan = { requestBuckets: [], inputBuckets: [], outputBuckets: [], concurrency: [], spends: [] };
  const subject = {
    tenant: encodeURIComponent(s.tenant),
    keyId: encodeURIComponent(s.keyId),
    model: encodeURIComponent(s.model),
  };
  const periods = spendPeriods(now);
  cfg.rules.forEach((rule, i) => {
    if (rule.tenant !== undefined && rule.tenant !== s.tenant) return;
    if (rule.model !== undefined && rule.model !== s.model) return;
    const id = counterId(rule, i, subject);
    if (rule.requests_per_minute) {
      plan.requestBuckets.push({ key: `${id}:rpm`, capacity: rule.requests_per_minute, periodMs: MINUTE, cost: 1 });
    }
    if (rule.input_tokens_per_minute) {
      const c = Math.min(cost.inputTokens, rule.input_tokens_per_minute);
      plan.inputBuckets.push({ key: `${id}:itpm`, capacity: rule.input_tokens_per_minute, periodMs: MINUTE, cost: c });
    }
    if (rule.output_tokens_per_minute) {
      plan.outputBuckets.push({
        key: `${id}:otpm`,
        capacity: rule.output_tokens_per_minute,
        periodMs: MINUTE,
        cost: 0,
      });
    }
    if (rule.concurrent) plan.concurrency.push({ key: `${id}:conc`, limit: rule.concurrent });
    if (rule.budget_usd_per_day) {
      plan.spends.push({
        key: `${id}:usd:d:${periods.day}`,
        budgetMicros: Math.round(rule.budget_usd_per_day * 1e6),
        reserveMicros: cost.reserveMicros,
        ttlMs: periods.dayTtlMs,
      });
    }
    if (rule.budget_usd_per_month) {
      plan.spends.push({
        key: `${id}:usd:m:${periods.month}`,
        budgetMicros: Math.round(rule.budget_usd_per_month * 1e6),
        reserveMicros: cost.reserveMicros,
        ttlMs: periods.monthTtlMs,
      });
    }
  });
  return plan;
}
