/**
 * Keeps docs/api.md true: the error table is the catalogue row for row, the error bodies shown are what
 * the renderer produces, the documented routes are the routes a real assembled gateway serves (and the
 * reverse), and the rate-limit headers, findings header, metrics and admin OpenAPI paths named in the page
 * are the ones the code emits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { ERROR_CATALOGUE, type ErrorCode, PortcullisError } from '../../src/core/errors.js';
import { buildOpenApiDocument } from '../../src/gateway/admin/openapi.js';
import { type Assembled, assembleGateway } from '../../src/gateway/assemble.js';
import { renderError } from '../../src/gateway/errors.js';
import { FINDINGS_HEADER } from '../../src/guards/report.js';
import { rateLimitHeaders } from '../../src/limits/headers.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { codeSpans, fencedBlocks, readDoc, tableRows } from './helpers.js';

const doc = readDoc('api.md');
const spans = codeSpans(doc);
const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('the error catalogue in docs/api.md', () => {
  const rows = tableRows(doc, 'code');
  const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

  it('mentions every code of the catalogue', () => {
    const missing = codes.filter((c) => !doc.includes(`\`${c}\``));
    expect(missing, `codes missing from docs/api.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('has one row per code, no more (a failure prints the rows to paste)', () => {
    const documented = new Set(rows.map((r) => unquote(r[0]!)));
    const toAdd = codes
      .filter((c) => !documented.has(c))
      .map((c) => {
        const e = ERROR_CATALOGUE[c];
        return `| \`${c}\` | ${e.status} | \`${e.wire}\` | \`${e.openai}\` | \`${e.anthropic}\` | <when it happens> |`;
      });
    expect(toAdd, `rows missing from docs/api.md:\n${toAdd.join('\n')}`).toEqual([]);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('gives each code its status, wire code and both dialect types', () => {
    for (const r of rows) {
      const code = unquote(r[0]!) as ErrorCode;
      const spec = ERROR_CATALOGUE[code];
      expect([Number(r[1]), unquote(r[2]!), unquote(r[3]!), unquote(r[4]!)], code).toEqual([
        spec.status,
        spec.wire,
        spec.openai,
        spec.anthropic,
      ]);
      expect(r[5]!.length, `${code} needs a "when"`).toBeGreaterThan(10);
    }
  });
});

describe('the error bodies shown in docs/api.md', () => {
  const json = fencedBlocks(doc).filter((b) => b.lang === 'json');
  const shownOpenAI = JSON.parse(json[0]!.body) as { request_id: string };
  const shownAnthropic = JSON.parse(json[1]!.body) as { request_id: string };
  // The limits stage's refusal when a requests-per-minute bucket is empty (src/limits/stage.ts).
  const err = new PortcullisError('PCX_RATE_LIMITED', 'rate limit for requests per minute reached; retry later', {
    retryAfter: 2,
    details: { limit: 'requests' },
  });

  it('the OpenAI shape is what renderError produces', () => {
    const r = renderError(err, 'openai', shownOpenAI.request_id);
    expect(r.body).toEqual(shownOpenAI);
    expect(r.status).toBe(429);
    expect(r.headers['x-portcullis-error']).toBe('PCX_RATE_LIMITED');
    expect(r.headers['retry-after']).toBe('2');
  });

  it('the Anthropic shape is what renderError produces', () => {
    const r = renderError(err, 'anthropic', shownAnthropic.request_id);
    expect(r.body).toEqual(shownAnthropic);
    expect(doc).toContain('`x-portcullis-error: PCX_RATE_LIMITED`');
  });
});

describe('headers and metrics named in docs/api.md', () => {
  it('names every x-ratelimit-* header the limits stage sets', () => {
    const state = { key: 'r0:k:key_a:rpm', capacity: 60, remaining: 10, resetMs: 1500 };
    const names = Object.keys(rateLimitHeaders([state], [state]));
    expect(names.length).toBe(6);
    for (const n of names) expect(spans, n).toContain(n);
    // and names none that does not exist
    const documented = [...spans].filter((s) => s.startsWith('x-ratelimit-'));
    expect(documented.sort()).toEqual([...names].sort());
  });

  it('names the findings header and the error header', () => {
    expect(spans).toContain(FINDINGS_HEADER);
    expect(spans).toContain('x-portcullis-error');
    expect(spans).toContain('retry-after');
  });

  it('lists exactly the metrics the gateway registers', async () => {
    const names = (await createMetrics(new Set()).registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThanOrEqual(5);
    const documented = [...spans].filter((s) => s.startsWith('portcullis_'));
    expect(documented.sort()).toEqual([...names].sort());
  });

  it('lists every path of the admin OpenAPI document', () => {
    const paths = Object.keys(buildOpenApiDocument().paths as Record<string, unknown>);
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) expect(spans, p).toContain(`/admin/v1${p}`);
  });
});

/** `(METHOD path)` pairs of fastify's printRoutes tree, HEAD left out (fastify adds it to every GET). */
function parseRouteTree(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack.push(path);
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

/** `(METHOD path)` pairs of the endpoint and admin tables: `{id}` written as fastify's `:id`. */
function documentedRoutes(): string[] {
  const out: string[] = [];
  for (const r of tableRows(doc, 'method')) {
    const path = unquote(r[1]!).replace(/\{(\w+)\}/g, ':$1');
    if (path.endsWith('…')) continue; // the `/admin/v1/…` summary row
    for (const m of r[0]!.split(' ')) out.push(`${unquote(m)} ${path}`);
  }
  return out;
}

describe('routes of a running gateway and docs/api.md', () => {
  let dir: string;
  let gw: Assembled;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcx-docs-api-'));
    gw = await assembleGateway({ config: validateConfig({ storage: { data_dir: dir } }), env: {}, logger: false });
    await gw.app.ready();
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every route the gateway serves is documented', () => {
    const served = parseRouteTree(gw.app.printRoutes({ commonPrefix: false }));
    expect(served).toContain('POST /v1/chat/completions');
    expect(served).toContain('POST /admin/v1/keys/:id/rotate');
    const documented = new Set(documentedRoutes());
    const missing = served.filter((r) => !documented.has(r));
    expect(missing, `routes missing from docs/api.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('every documented route is served', () => {
    const absent = documentedRoutes().filter((r) => {
      const [method, url] = r.split(' ') as [string, string];
      return !gw.app.hasRoute({ method: method as 'GET', url });
    });
    expect(absent, `documented routes the gateway does not serve: ${absent.join(', ')}`).toEqual([]);
  });
});
