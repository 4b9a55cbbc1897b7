import * as injection from './injection/index.js';
import * as pii from './pii/index.js';
import * as secrets from './secrets/index.js';
import type { Detector } from './types.js';

export interface InjectionThresholds {
  /** Role `user`, `system`, `assistant`. */
  readonly direct: number;
  /** Role `tool`: documents and tool results. */
  readonly indirect: number;
}

/** Used until the injection detectors publish their tuned INJECTION_THRESHOLDS. */
export const FALLBACK_INJECTION_THRESHOLDS: InjectionThresholds = Object.freeze({ direct: 0.5, indirect: 0.5 });

// The detector families are written in parallel; their export names are read defensively so this file
// compiles whichever spelling (`secretDetectors` / `secretsDetectors`) and whether or not the constant exists.
function detectorList(mod: object, ...names: string[]): readonly Detector[] {
  for (const name of names) {
    const value = (mod as Record<string, unknown>)[name];
    if (Array.isArray(value)) return value as readonly Detector[];
  }
  return [];
}

/** Every detector of every family, PII first, then secrets, then injection. Read at call time. */
export function registeredDetectors(): readonly Detector[] {
  return [
    ...detectorList(pii, 'piiDetectors'),
    ...detectorList(secrets, 'secretDetectors', 'secretsDetectors'),
    ...detectorList(injection, 'injectionDetectors'),
  ];
}

export function registeredInjectionThresholds(): InjectionThresholds {
  const t = (injection as Record<string, unknown>).INJECTION_THRESHOLDS as Partial<InjectionThresholds> | undefined;
  const ok = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
  return {
    direct: ok(t?.direct) ? t.direct : FALLBACK_INJECTION_THRESHOLDS.direct,
    indirect: ok(t?.indirect) ? t.indirect : FALLBACK_INJECTION_THRESHOLDS.indirect,
  };
}
