/**
 * Keeps docs/configuration.md true to the schema: every field of the config schema (through objects and
 * lists, down to the first map or union) is named in it, every environment variable the code reads is
 * listed, and every YAML block on the page is a valid config, except those marked `# invalid`, whose
 * problems must be exactly those the page shows after them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { CliIO } from '../../src/cli/admin-client.js';
import { configCheck } from '../../src/cli/config.js';
import { ConfigError, parseConfigText, validateConfig } from '../../src/config/load.js';
import { modelSchema, providerSchema } from '../../src/config/providers.js';
import { configSchema } from '../../src/config/schema.js';
import { INJECTION_THRESHOLDS } from '../../src/guards/injection/thresholds.js';
import { codeSpans, fencedBlocks, ROOT, readDoc } from './helpers.js';

const doc = readDoc('configuration.md');

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Dotted paths of every field: `server.port`, `providers[].name`, `guards.injection.system_action`, … */
function schemaPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return schemaPaths(def.innerType!, prefix);
    case 'array':
      return schemaPaths(def.element!, `${prefix}[]`);
    case 'object': {
      const out: string[] = [];
      for (const [key, child] of Object.entries(def.shape!)) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        out.push(path, ...schemaPaths(child, path));
      }
      return out;
    }
    default:
      return [];
  }
}

/** (field, default cell) of every table whose header is `| field | type | default | …`. */
function defaultCells(markdown: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('| field | type | default |')) continue;
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const cells = lines[i]!.slice(1, -1)
        .split(' | ')
        .map((c) => c.trim());
      out.push([cells[0]!.replace(/^`|`$/g, ''), cells[2]!]);
    }
  }
  return out;
}

describe('docs/configuration.md covers the schema', () => {
  const paths = schemaPaths(configSchema);

  it('the walk reaches every section and nested objects (sanity check of the walk itself)', () => {
    for (const p of [
      'server',
      'storage.redis_url',
      'providers[].api_key_env',
      'models[].fallbacks',
      'guards.injection.system_action',
      'guards.output.hold_chars',
      'extraction.degrade.added_latency_ms',
      'audit.content.default',
      'limits.rules[].budget_usd_per_month',
      'limits.residency.origins',
    ]) {
      expect(paths).toContain(p);
    }
    // Maps are not walked into: tenant ids and detector names are data, not fields.
    expect(paths.some((p) => p.startsWith('guards.tenants.'))).toBe(false);
  });

  it('names every field of every section as a code span', () => {
    const spans = codeSpans(doc);
    const missing = paths.filter((p) => !spans.has(p));
    expect(missing, `fields missing from docs/configuration.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('names no field the schema does not have', () => {
    const known = new Set(paths);
    const sections = new Set(paths.filter((p) => !p.includes('.') && !p.includes('[')));
    const stale = [...codeSpans(doc)].filter((s) => {
      const top = /^([a-z_]+)[.[]/.exec(s)?.[1];
      const path = s.endsWith('[]') ? s.slice(0, -2) : s;
      // Only spans shaped like a config path (`section.field…`) are checked.
      return top !== undefined && sections.has(top) && /^[a-z_.[\]]+$/.test(s) && !known.has(path);
    });
    expect(stale, `docs name fields the schema lacks: ${stale.join(', ')}`).toEqual([]);
  });

  it('gives the default the schema applies, for every field whose default is a plain value', () => {
    const defaults = {
      ...validateConfig({}),
      'providers[]': providerSchema.parse({ name: 'p', type: 'openai', base_url: 'http://h/v1', region: 'eu' }),
      'models[]': modelSchema.parse({ name: 'm', provider: 'p', model: 'x' }),
    } as Record<string, unknown>;
    const valueAt = (path: string): unknown => {
      const arr = /^(\w+\[\])\.(.+)$/.exec(path);
      const [root, rest] = arr ? [defaults[arr[1]!], arr[2]!] : [defaults, path];
      return rest.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
    };
    let checked = 0;
    const wrong: string[] = [];
    for (const [field, cell] of defaultCells(doc)) {
      const value = valueAt(field);
      const literal = /^`([^`]*)`/.exec(cell)?.[1];
      if (value === undefined || literal === undefined) continue;
      if (typeof value === 'object' && JSON.stringify(value) !== '[]' && JSON.stringify(value) !== '{}') continue;
      checked++;
      const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (literal !== shown) wrong.push(`${field}: docs say ${literal}, schema gives ${shown}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  it('states the injection classifier thresholds the code uses', () => {
    const { direct, indirect } = INJECTION_THRESHOLDS;
    expect(doc).toContain(`tuned thresholds (${direct} direct, ${indirect} indirect`);
  });

  it('lists every PORTCULLIS_* environment variable the sources read', () => {
    const vars = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/\bPORTCULLIS_[A-Z_]+\b/g)) vars.add(m[0]);
        }
      }
    };
    walk(join(ROOT, 'src'));
    expect(vars.size).toBeGreaterThanOrEqual(5);
    const spans = codeSpans(doc);
    const missing = [...vars].filter((v) => !spans.has(v));
    expect(missing, `environment variables missing: ${missing.join(', ')}`).toEqual([]);
  });
});

describe('the YAML blocks of docs/configuration.md', () => {
  const blocks = fencedBlocks(doc);
  const yaml = blocks.filter((b) => b.lang === 'yaml');

  it('has the examples and the invalid samples', () => {
    expect(yaml.filter((b) => b.body.startsWith('# examples/')).length).toBe(3);
    expect(yaml.filter((b) => b.body.startsWith('# invalid')).length).toBe(2);
  });

  for (const b of yaml.filter((x) => !x.body.startsWith('# invalid'))) {
    it(`block at line ${b.line} is a valid config`, () => {
      expect(() => parseConfigText(b.body, `configuration.md:${b.line}`)).not.toThrow();
    });
  }

  blocks.forEach((b, i) => {
    if (b.lang !== 'yaml' || !b.body.startsWith('# invalid')) return;
    const shown = blocks[i + 1]!;

    it(`invalid sample at line ${b.line} is refused by the loader with the problems the page shows`, () => {
      expect(shown.lang).toBe('text');
      let err: unknown;
      try {
        parseConfigText(b.body, 'bad.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const shownProblems = shown.body
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((p) => p.trim());
      expect((err as ConfigError).problems).toEqual(shownProblems);
    });

    it(`invalid sample at line ${b.line}: \`portcullis config check\` prints exactly what the page shows`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'pcx-docs-'));
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, b.body);
      const lines: string[] = [];
      const codes: number[] = [];
      const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(t), exit: (c) => codes.push(c), env: {} };
      try {
        configCheck(file, io);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(codes).toEqual([1]);
      const printed = lines.map((l) => (l.startsWith(file) ? `bad.yaml${l.slice(file.length)}` : l));
      expect(printed).toEqual(shown.body.trimEnd().split('\n'));
    });
  });
});
