import type { LimitsConfig } from '../config/limits.js';

/** Cost in micro-USD (integers, so Redis can add them exactly). Unknown models cost nothing. */
export function costMicros(prices: LimitsConfig['prices'], model: string, input: number, output: number): number {
  const p = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (!p) return 0;
  return Math.ceil(input * p.input_per_mtok + output * p.output_per_mtok);
}

const DAY_MS = 86_400_000;

/** The UTC day and month a spend belongs to, and how long its counter must live. */
export function spendPeriods(now: number): {
  day: string;
  month: string;
  dayTtlMs: number;
  monthTtlMs: number;
  dayEndsIn: number;
  monthEndsIn: number;
} {
  const d = new Date(now);
  const day = d.toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  const nextDay = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return {
    day,
    month,
    dayEndsIn: nextDay - now,
    monthEndsIn: nextMonth - now,
    dayTtlMs: nextDay - now + DAY_MS,
    monthTtlMs: nextMonth - now + DAY_MS,
  };
}
