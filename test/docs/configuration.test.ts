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
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
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
