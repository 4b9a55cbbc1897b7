import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema } from './schema.js';

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

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

/** Validates a parsed document; throws ConfigError listing every problem. Returns a frozen config. */
export function validateConfig(doc: unknown, source = '(inline)'): Config {
  const result = configSchema.safeParse(doc ?? {});
  if (!result.success) throw new ConfigError(source, describeIssues(result.error.issues));
  return deepFreeze(result.data);
}

export function parseConfigText(text: string, source: string): Config {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML: ${(err as Error).message}`]);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new ConfigError(source, ['(root): expected a mapping of sections']);
  }
  return validateConfig(doc, source);
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseConfigText(text, path);
}

/** Config from --config, else PORTCULLIS_CONFIG, else the defaults; env overrides applied. */
export function resolveConfig(
  opts: { config?: string; dataDir?: string; port?: number; host?: string },
  env = process.env,
): Config {
  const path = opts.config ?? env.PORTCULLIS_CONFIG;
  const base = path ? loadConfigFile(path) : validateConfig({});
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
