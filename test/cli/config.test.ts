import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/admin-client.js';
import { configCheck } from '../../src/cli/config.js';
import { resolveConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'pcs-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function capture(): CliIO & { stdout: string[]; stderr: string[]; code?: number } {
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    code: undefined as number | undefined,
    out: (t: string) => void io.stdout.push(t),
    err: (t: string) => void io.stderr.push(t),
    exit: (c: number) => {
      io.code = c;
    },
    env: {},
  };
  return io;
}

const VALID = `
server:
  port: 9000
providers:
  - name: openai
    type: openai
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    region: us
models:
  - name: gpt-4o
    provider: openai
    model: gpt-4o-2024-08-06
`;

const INVALID = `
server:
  port: 99999
  colour: blue
providers:
  - name: openai
    type: openai
    base_url: ftp://example.com
    region: us
models:
  - name: gpt-4o
    provider: nobody
    model: gpt-4o
`;

describe('portcullis config check', () => {
  it('prints ok and exits 0 for a valid file', () => {
    const io = capture();
    expect(configCheck(file('valid.yaml', VALID), io)).toBe(0);
    expect(io.stdout).toEqual(['ok']);
    expect(io.stderr).toEqual([]);
    expect(io.code).toBe(0);
  });

  it('an empty file is the defaults, which are valid', () => {
    const io = capture();
    expect(configCheck(file('empty.yaml', ''), io)).toBe(0);
  });

  it('lists every problem by path and exits 1', () => {
    const io = capture();
    const path = file('invalid.yaml', INVALID);
    expect(configCheck(path, io)).toBe(1);
    expect(io.code).toBe(1);
    const text = io.stderr.join('\n');
    expect(io.stderr[0]).toBe(`${path}: invalid config (4 problems)`);
    expect(text).toMatch(/server\.port: /);
    expect(text).toMatch(/server: .*colour/);
    expect(text).toMatch(/providers\[0\]\.base_url: /);
    expect(text).toMatch(/models\[0\]\.provider: unknown provider "nobody"/);
    expect(io.stdout).toEqual([]);
  });

  it('lists cross-reference problems in the same run as a missing or mistyped field', () => {
    const io = capture();
    const path = file(
      'cross.yaml',
      `
providers:
  - { name: a, type: openai, base_url: https://x.test/v1 }
  - { name: a, type: openai, base_url: https://y.test/v1, region: eu, timeout_ms: soon }
models:
  - { name: m, provider: nobody, model: x, fallbacks: [ghost] }
`,
    );
    expect(configCheck(path, io)).toBe(1);
    expect(io.stderr).toEqual([
      `${path}: invalid config (5 problems)`,
      '  providers[0].region: Invalid input: expected string, received undefined',
      '  providers[1].timeout_ms: Invalid input: expected number, received string',
      '  providers[1].name: duplicate provider "a"',
      '  models[0].provider: unknown provider "nobody"',
      '  models[0].fallbacks[0]: unknown model "ghost"',
    ]);
  });

  it('a cross-reference problem found by both passes is listed once', () => {
    const io = capture();
    const path = file('once.yaml', 'server: { port: 70000 }\nmodels: [{ name: m, provider: nobody, model: x }]\n');
    expect(configCheck(path, io)).toBe(1);
    expect(io.stderr.filter((l) => l.includes('unknown provider "nobody"'))).toHaveLength(1);
    expect(io.stderr[0]).toBe(`${path}: invalid config (2 problems)`);
  });

  it('accepts the deprecated guards.output.hold_chars with a warning (also per tenant), still exit 0', () => {
    const io = capture();
    const path = file(
      'hold.yaml',
      `${VALID}
guards:
  output: { hold_chars: 512 }
  tenants:
    acme: { output: { hold_chars: 64 } }
`,
    );
    expect(configCheck(path, io)).toBe(0);
    expect(io.stdout).toEqual(['ok']);
    expect(io.stderr).toHaveLength(2);
    expect(io.stderr[0]).toMatch(/^warning: guards\.output\.hold_chars: deprecated and ignored/);
    expect(io.stderr[1]).toMatch(/^warning: guards\.tenants\.acme\.output\.hold_chars: deprecated and ignored/);
  });

  it('serve-time loading warns once per deprecated setting and still returns the config', () => {
    const path = file('hold-serve.yaml', `${VALID}\nguards: { output: { hold_chars: 512 } }\n`);
    const warnings: string[] = [];
    const cfg = resolveConfig({ config: path }, {}, (m) => warnings.push(m));
    expect(cfg.server.port).toBe(9000);
    expect(warnings).toEqual([expect.stringMatching(/hold-serve\.yaml: guards\.output\.hold_chars: deprecated/)]);
    const none: string[] = [];
    resolveConfig({ config: file('plain.yaml', VALID) }, {}, (m) => none.push(m));
    expect(none).toEqual([]);
  });

  it('reports unreadable files and bad YAML as one problem each', () => {
    const missing = capture();
    expect(configCheck(join(dir, 'nope.yaml'), missing)).toBe(1);
    expect(missing.stderr.join('\n')).toMatch(/cannot read: ENOENT/);
    const yaml = capture();
    expect(configCheck(file('bad.yaml', 'server: [unclosed'), yaml)).toBe(1);
    expect(yaml.stderr.join('\n')).toMatch(/not valid YAML/);
    const scalar = capture();
    expect(configCheck(file('scalar.yaml', '42'), scalar)).toBe(1);
    expect(scalar.stderr.join('\n')).toMatch(/expected a mapping/);
  });
});

describe('the CLI as a process', () => {
  const entry = resolve(__dirname, 'fixtures/cli-entry.ts');
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
      encoding: 'utf8',
      env: { ...process.env, PORTCULLIS_URL: 'http://127.0.0.1:1', ...env },
      timeout: 120_000,
    });

  it('exits 0 / 1 with output on the right stream and no stack trace', () => {
    const ok = run(['config', 'check', file('p-valid.yaml', VALID)]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe('ok');
    const bad = run(['config', 'check', file('p-invalid.yaml', INVALID)]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/server\.port/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const data = mkdtempSync(join(tmpdir(), 'pcs-cli-proc-'));
    try {
      const userError = run(['tenants', 'create', 'NOT VALID', '--data-dir', data]);
      expect(userError.status).toBe(1);
      expect(userError.stderr.trim().split('\n')).toHaveLength(1);
      expect(userError.stderr).toMatch(/^portcullis: .*tenant id/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 180_000);
});
