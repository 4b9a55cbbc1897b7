import { type GuardAction, type GuardsConfig, type GuardsOverride, guardsSchema } from '../config/guards.js';
import type { Action, FindingCategory } from '../core/findings.js';
import { DetectionCache } from './detection-cache.js';
import { type InjectionThresholds, registeredDetectors, registeredInjectionThresholds } from './registry.js';
import type { Detector, TextRole } from './types.js';

/** What the policy says about one finding name in one role. */
export interface Rule {
  readonly action: GuardAction;
  readonly threshold: number;
}

export interface CanaryPolicy {
  /** For the planted token: `off`, `log` or `block` (`redact` is normalised to `block`). */
  readonly action: GuardAction;
  /** For a verbatim run of the system prompt; likewise. */
  readonly overlapAction: GuardAction;
  readonly overlapChars: number;
}

export interface OutputPolicy {
  readonly pii: boolean;
  readonly secret: boolean;
  readonly canary: boolean;
  readonly holdChars: number;
}

/** One tenant's compiled policy: everything a request needs, resolved once at start. */
export interface GuardPolicy {
  readonly enabled: boolean;
  /** Detectors to run; each finding is then judged by `ruleFor`. */
  readonly detectors: readonly Detector[];
  readonly canary: CanaryPolicy;
  readonly output: OutputPolicy;
  /** Detector results by text digest, shared by the tenants of one compiled policy (same detectors). */
  readonly cache?: DetectionCache;
  /**
   * The rule for a finding name in a role. `declared` is the producing detector's `defaultAction`: a
   * detector that declares itself weak evidence (`alert`/`log`) is logged rather than redacted or blocked;
   * a per-detector override in the config sets the action outright.
   */
  ruleFor(detector: string, category: FindingCategory, role: TextRole, declared?: Action): Rule;
  /** True when a matched value is on the allow-list (exact value or a regex). */
  isAllowed(value: string): boolean;
}

/** The compiled policy of the whole gateway: the default one and one per configured tenant. */
export interface Policy {
  readonly base: GuardPolicy;
  forTenant(tenant: string | undefined): GuardPolicy;
}

export interface CompileOptions {
  /** Defaults to every registered detector (src/guards/registry.ts). */
  detectors?: readonly Detector[];
  /** Defaults to the injection detectors' INJECTION_THRESHOLDS (0.5 each until they publish them). */
  injectionThresholds?: InjectionThresholds;
  /** Entries of the detection cache (texts remembered); 0 disables it. Default 4096. */
  cacheEntries?: number;
}

/** About 4096 recent texts: a few hundred conversations' worth of history, a few hundred KB of findings. */
const DEFAULT_CACHE_ENTRIES = 4096;

const OFF: Rule = Object.freeze({ action: 'off', threshold: 1 });

const SEVERITY: Record<GuardAction, number> = { off: 0, log: 1, redact: 2, block: 3 };

/**
 * How far a detector's declared default lowers its category's action. Weak-evidence declarations (`log`,
 * `alert`, and other stages' actions) cap it at `log`; `redact` and `block` do not change it, so an operator
 * who sets a category to `block` gets blocks.
 */
const DECLARED: Record<Action, GuardAction> = {
  off: 'log',
  allow: 'log',
  log: 'log',
  alert: 'log',
  redact: 'block',
  throttle: 'log',
  degrade: 'log',
  block: 'block',
};

function weaker(a: GuardAction, b: GuardAction): GuardAction {
  return SEVERITY[a] <= SEVERITY[b] ? a : b;
}

/** The finding name whose scores INJECTION_THRESHOLDS were tuned for. */
export const INJECTION_CLASSIFIER = 'injection.classifier';
/** Default threshold of every other injection detector (and of all of them before thresholds are published). */
const STRUCTURAL_THRESHOLD = 0.5;

/** Accepts a raw (unparsed) guards section too, so tests and the scan CLI can pass `{}`. */
export function compilePolicy(config: GuardsConfig | unknown = {}, options: CompileOptions = {}): Policy {
  const cfg = guardsSchema.parse(config ?? {});
  const detectors = options.detectors ?? registeredDetectors();
  const thresholds = options.injectionThresholds ?? registeredInjectionThresholds();
  const entries = options.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
  const cache = entries > 0 ? new DetectionCache(entries) : undefined;
  const base = compileOne(cfg, detectors, thresholds, cache);
  const tenants = new Map<string, GuardPolicy>();
  for (const [tenant, override] of Object.entries(cfg.tenants)) {
    tenants.set(tenant, compileOne(mergeOverride(cfg, override), detectors, thresholds, cache));
  }
  return Object.freeze({
    base,
    forTenant: (tenant: string | undefined) => (tenant === undefined ? base : (tenants.get(tenant) ?? base)),
  });
}

/** Tenant sections override field by field; detector overrides by name; allow-lists are unions. */
export function mergeOverride(cfg: GuardsConfig, o: GuardsOverride): GuardsConfig {
  return {
    enabled: o.enabled ?? cfg.enabled,
    pii: { ...cfg.pii, ...defined(o.pii) },
    secret: { ...cfg.secret, ...defined(o.secret) },
    injection: { ...cfg.injection, ...defined(o.injection) },
    canary: { ...cfg.canary, ...defined(o.canary) },
    detectors: mergeDetectors(cfg.detectors, o.detectors ?? {}),
    allow: {
      values: [...cfg.allow.values, ...(o.allow?.values ?? [])],
      patterns: [...cfg.allow.patterns, ...(o.allow?.patterns ?? [])],
    },
    output: { ...cfg.output, ...defined(o.output) },
    tenants: {},
  };
}

function mergeDetectors(base: GuardsConfig['detectors'], over: NonNullable<GuardsOverride['detectors']>) {
  const out: GuardsConfig['detectors'] = { ...base };
  for (const [name, rule] of Object.entries(over)) out[name] = { ...base[name], ...defined(rule) };
  return out;
}

/** Drops keys whose value is undefined so a spread does not erase an inherited value. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o === undefined) return out;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Injection and canary findings are never redacted: a partial removal would leave the attack in place. */
function noRedact(a: GuardAction): GuardAction {
  return a === 'redact' ? 'block' : a;
}

function compileOne(
  cfg: GuardsConfig,
  detectors: readonly Detector[],
  inj: InjectionThresholds,
  cache: DetectionCache | undefined,
): GuardPolicy {
  const inject = cfg.injection;
  const category = {
    pii: freezeRule(cfg.pii.action, cfg.pii.threshold),
    secret: freezeRule(cfg.secret.action, cfg.secret.threshold),
    injectionDirect: freezeRule(noRedact(inject.action), inject.threshold ?? STRUCTURAL_THRESHOLD),
    injectionSystem: freezeRule(
      noRedact(inject.system_action ?? inject.action),
      inject.threshold ?? STRUCTURAL_THRESHOLD,
    ),
    injectionIndirect: freezeRule(
      noRedact(inject.indirect_action),
      inject.indirect_threshold ?? inject.threshold ?? STRUCTURAL_THRESHOLD,
    ),
    // The published thresholds are calibrated on the classifier's score only; the structural detectors'
    // scores are fixed per pattern and judged against the plain category threshold.
    classifierDirect: freezeRule(noRedact(inject.action), inject.threshold ?? inj.direct),
    // Off unless `classify_system`: the classifier's view of operator-written prompts is noise (see guards.ts).
    classifierSystem: inject.classify_system
      ? freezeRule(noRedact(inject.system_action ?? inject.action), inject.threshold ?? inj.direct)
      : OFF,
    classifierIndirect: freezeRule(
      noRedact(inject.indirect_action),
      inject.indirect_threshold ?? inject.threshold ?? inj.indirect,
    ),
    canary: freezeRule(noRedact(cfg.canary.action), 0),
  };
  const overrides = new Map(Object.entries(cfg.detectors));
  const allowValues = new Set(cfg.allow.values);
  const allowPatterns = cfg.allow.patterns.map((p) => new RegExp(p, 'u'));

  function categoryRule(detector: string, cat: FindingCategory, role: TextRole): Rule {
    switch (cat) {
      case 'pii':
        return category.pii;
      case 'secret':
        return category.secret;
      case 'injection':
        if (detector === INJECTION_CLASSIFIER) {
          if (role === 'tool') return category.classifierIndirect;
          return role === 'system' ? category.classifierSystem : category.classifierDirect;
        }
        if (role === 'tool') return category.injectionIndirect;
        return role === 'system' ? category.injectionSystem : category.injectionDirect;
      case 'canary':
        return category.canary;
      default:
        // policy/extraction findings come from other stages; the guards only record them.
        return OFF;
    }
  }

  // Rules that differ from the category's (capped by a detector's declaration, or overridden) are built
  // once per (name, category, role class, declaration) and reused: a handful of entries, not per request.
  const resolved = new Map<string, Rule>();
  function ruleFor(detector: string, cat: FindingCategory, role: TextRole, declared?: Action): Rule {
    const catRule = categoryRule(detector, cat, role);
    // A per-detector override must not switch the classifier back on for system texts: that is `classify_system`'s job.
    if (catRule === OFF && detector === INJECTION_CLASSIFIER && role === 'system') return OFF;
    const over = overrides.get(detector);
    // Only a weak declaration lowers the category's action; `redact`/`block` declarations leave the operator's choice.
    const capped = declared === undefined ? catRule.action : weaker(catRule.action, DECLARED[declared]);
    if (over === undefined && capped === catRule.action) return catRule;
    const key = `${detector}\u0000${cat}\u0000${role === 'tool' || role === 'system' ? role : 'd'}\u0000${declared ?? ''}`;
    let rule = resolved.get(key);
    if (rule === undefined) {
      const a = over?.action ?? capped;
      rule = freezeRule(
        cat === 'injection' || cat === 'canary' ? noRedact(a) : a,
        over?.threshold ?? catRule.threshold,
      );
      resolved.set(key, rule);
    }
    return rule;
  }

  function isAllowed(value: string): boolean {
    if (allowValues.has(value)) return true;
    for (const re of allowPatterns) if (re.test(value)) return true;
    return false;
  }

  return Object.freeze({
    enabled: cfg.enabled,
    detectors: Object.freeze([...detectors]),
    canary: Object.freeze({
      action: category.canary.action,
      overlapAction: noRedact(cfg.canary.overlap_action ?? cfg.canary.action),
      overlapChars: cfg.canary.overlap_chars,
    }),
    output: Object.freeze({
      pii: cfg.output.pii,
      secret: cfg.output.secret,
      canary: cfg.output.canary,
      holdChars: cfg.output.hold_chars,
    }),
    ruleFor,
    isAllowed,
    ...(cache === undefined ? {} : { cache }),
  });
}

function freezeRule(action: GuardAction, threshold: number): Rule {
  return Object.freeze({ action, threshold });
}
