import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, configSchema, crossReferenceIssues } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'PCX_CONFIG_INVALID';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

/**
 * Validates a parsed document; throws ConfigError listing every problem. Returns a frozen config. Zod runs the
 * cross-reference checks only on a document whose fields are all valid, so when some are not those checks
 * run here on the raw document too: one run of `config check` shows everything it can.
 */
export function validateConfig(doc: unknown, source = '(inline)'): Config {
  const result = configSchema.safeParse(doc ?? {});
  if (!result.success) {
    const problems = describeIssues(result.error.issues);
    const seen = new Set(problems);
    for (const p of describeIssues(crossReferenceIssues(doc ?? {}))) {
      if (!seen.has(p)) problems.push(p);
    }
    throw new ConfigError(source, problems);
  }
  return deepFreeze(result.data);
}

/** A setting that is accepted but no longer has an effect: where it is and what to do instead. */
const DEPRECATED: Array<{ path: string[]; message: string }> = [
  {
    path: ['guards', 'output', 'hold_chars'],
    message:
      'deprecated and ignored: streamed answers hold back only what a detector could still extend (the trailing word or value-like run); remove the setting',
  },
];

/**
 * Warnings for a document that is valid but uses deprecated settings (also inside `guards.tenants.<id>`).
 * Shown by `config check` and logged at start; they never make a config invalid.
 */
export function configWarnings(doc: unknown): string[] {
  const out: string[] = [];
  const at = (root: unknown, path: readonly string[]): boolean => {
    let v = root;
    for (const k of path) {
      if (v === null || typeof v !== 'object') return false;
      v = (v as Record<string, unknown>)[k];
    }
    return v !== undefined;
  };
  for (const d of DEPRECATED) {
    if (at(doc, d.path)) out.push(`${d.path.join('.')}: ${d.message}`);
    if (d.path[0] === 'guards') {
      const tenants = (doc as { guards?: { tenants?: unknown } } | null)?.guards?.tenants;
      if (tenants !== null && typeof tenants === 'object') {
        for (const [id, t] of Object.entries(tenants)) {
          if (at(t, d.path.slice(1))) out.push(`guards.tenants.${id}.${d.path.slice(1).join('.')}: ${d.message}`);
        }
      }
    }
  }
  return out;
}

export function parseConfigText(text: string, source: string): Config {
  return readConfigText(text, source).config;
}

/** The config and its deprecation warnings (see configWarnings). */
export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

export function readConfigText(text: string, source: string): LoadedConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML: ${(err as Error).message}`]);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new ConfigError(source, ['(root): expected a mapping of sections']);
  }
  return { config: validateConfig(doc, source), warnings: configWarnings(doc) };
}

export function loadConfigFile(path: string): Config {
  return readConfigFile(path).config;
}

export function readConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return readConfigText(text, path);
}

/** Deprecation warnings at start go to the process's warning channel (stderr), once per setting. */
function emitConfigWarning(message: string): void {
  process.emitWarning(message, { code: 'PCX_CONFIG_DEPRECATED' });
}

/** Config from --config, else PORTCULLIS_CONFIG, else the defaults; env overrides applied. */
export function resolveConfig(
  opts: { config?: string; dataDir?: string; port?: number; host?: string },
  env = process.env,
  warn: (message: string) => void = emitConfigWarning,
): Config {
  const path = opts.config ?? env.PORTCULLIS_CONFIG;
  let base: Config;
  if (path) {
    const loaded = readConfigFile(path);
    for (const w of loaded.warnings) warn(`${path}: ${w}`);
    base = loaded.config;
  } else base = validateConfig({});
  const copy = structuredClone(base) as Config;
  if (opts.dataDir) copy.storage.data_dir = opts.dataDir;
  if (env.PORTCULLIS_DATABASE_URL) copy.storage.database_url = env.PORTCULLIS_DATABASE_URL;
  if (env.PORTCULLIS_REDIS_URL) copy.storage.redis_url = env.PORTCULLIS_REDIS_URL;
  if (opts.port !== undefined) copy.server.port = opts.port;
  if (opts.host) copy.server.host = opts.host;
  return deepFreeze(copy);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
