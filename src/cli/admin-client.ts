import type { Command } from 'commander';
import { request } from 'undici';
import type { z } from 'zod';
import { readAdminToken } from '../auth/admin-token.js';
import { isPortcullisError } from '../core/errors.js';
import { fromZodError } from '../gateway/admin/errors.js';
import { issuedJson } from '../gateway/admin/routes.js';
import {
  type CreateKeyBody,
  type CreateTenantBody,
  createKeyBody,
  createTenantBody,
  type IssuedKeyJson,
  listKeysQuery,
  type RotatedKeyJson,
  rotateKeyBody,
} from '../gateway/admin/schemas.js';
import { closeQuietly, openStore, type Store } from '../store/db.js';
import { createKey, getKey, type KeyView, keyView, listKeys, revokeKey, rotateKey } from '../store/keys.js';
import { createTenant, getTenant, listTenants, type TenantView, tenantView } from '../store/tenants.js';

/**
 * What `portcullis tenants|keys` do, over either path: the admin API of a running gateway (when one answers
 * at --url), or the database opened directly (same store functions and validation the API uses). Going
 * through a running gateway matters for the embedded shape, where the gateway holds the PGlite folder.
 */
export interface AdminOps {
  readonly via: 'api' | 'database';
  createTenant(input: CreateTenantBody): Promise<TenantView>;
  listTenants(): Promise<TenantView[]>;
  createKey(input: CreateKeyBody): Promise<IssuedKeyJson>;
  listKeys(tenant?: string): Promise<KeyView[]>;
  revokeKey(id: string): Promise<KeyView>;
  rotateKey(id: string, graceSeconds: number): Promise<RotatedKeyJson>;
  close(): Promise<void>;
}

/** A failure to show the user as one line (no stack): bad input, refused request, unreachable service. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly code = 'CLI_ERROR',
  ) {
    super(message);
  }
}

export interface AdminConnectOptions {
  /** Base URL of the gateway, e.g. http://127.0.0.1:8420. */
  url: string;
  dataDir: string;
  adminToken?: string;
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for a gateway to answer before using the database. */
  probeTimeoutMs?: number;
}

export async function connectAdmin(opts: AdminConnectOptions): Promise<AdminOps> {
  const env = opts.env ?? process.env;
  const base = `${opts.url.replace(/\/+$/, '')}/admin/v1`;
  let token = opts.adminToken ?? env.PORTCULLIS_ADMIN_TOKEN;
  if (!token) {
    try {
      token = readAdminToken(opts.dataDir, env)?.token;
    } catch {
      token = undefined; // an unreadable token file only matters if a gateway answers
    }
  }
  const probe = await send(base, token, 'GET', '/openapi.json', undefined, opts.probeTimeoutMs ?? 1500).catch(
    (err: unknown) => {
      if (err instanceof CliError && err.code === 'CLI_UNREACHABLE') return undefined;
      throw err;
    },
  );
  if (!probe) return databaseOps(opts, env);
  if (probe.status === 401) {
    throw new CliError(
      token
        ? `the gateway at ${opts.url} refused the admin token`
        : `a gateway answers at ${opts.url} but no admin token was found: pass --admin-token or set PORTCULLIS_ADMIN_TOKEN`,
      'CLI_ADMIN_TOKEN',
    );
  }
  if (probe.status !== 200) {
    throw new CliError(`the server at ${opts.url} does not serve the Portcullis admin API (HTTP ${probe.status})`);
  }
  return apiOps(base, token as string);
}

interface Answer {
  status: number;
  body: unknown;
}

async function send(
  base: string,
  token: string | undefined,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new CliError(`cannot reach ${base}: ${(err as Error).message}`, 'CLI_UNREACHABLE');
  }
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.statusCode, body: parsed };
}

function apiOps(base: string, token: string): AdminOps {
  const call = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await send(base, token, method, path, body);
    if (res.status >= 400) {
      const e = (res.body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new CliError(e?.message ?? `HTTP ${res.status} from the admin API`, e?.code ?? 'CLI_API_ERROR');
    }
    return res.body as T;
  };
  const seg = encodeURIComponent;
  return {
    via: 'api',
    createTenant: (input) => call('POST', '/tenants', input),
    listTenants: async () => (await call<{ data: TenantView[] }>('GET', '/tenants')).data,
    createKey: (input) => call('POST', '/keys', input),
    listKeys: async (tenant) =>
      (await call<{ data: KeyView[] }>('GET', tenant === undefined ? '/keys' : `/keys?tenant=${seg(tenant)}`)).data,
    revokeKey: (id) => call('DELETE', `/keys/${seg(id)}`),
    rotateKey: (id, graceSeconds) => call('POST', `/keys/${seg(id)}/rotate`, { grace_seconds: graceSeconds }),
    close: async () => {},
  };
}

/** Validates input with the admin API's own schema; commands call it before connecting, so typos fail fast. */
export function valid<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error, 'body');
  return r.data;
}

async function databaseOps(opts: AdminConnectOptions, env: NodeJS.ProcessEnv): Promise<AdminOps> {
  const store: Store = await openStore({
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl ?? env.PORTCULLIS_DATABASE_URL,
  });
  const { db } = store;
  return {
    via: 'database',
    async createTenant(input) {
      const body = valid(createTenantBody, input);
      return tenantView(await createTenant(db, { id: body.id, name: body.name ?? null }));
    },
    listTenants: async () => (await listTenants(db)).map(tenantView),
    async createKey(input) {
      const body = valid(createKeyBody, input);
      const { row, key } = await createKey(db, {
        tenant: body.tenant,
        models: body.models ?? null,
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        name: body.name ?? null,
      });
      return issuedJson(row, key);
    },
    async listKeys(tenant) {
      const q = valid(listKeysQuery, tenant === undefined ? {} : { tenant });
      if (q.tenant !== undefined) await getTenant(db, q.tenant);
      return (await listKeys(db, { tenant: q.tenant })).map((r) => keyView(r));
    },
    revokeKey: async (id) => keyView(await revokeKey(db, (await getKey(db, id)).id)),
    async rotateKey(id, graceSeconds) {
      const body = valid(rotateKeyBody, { grace_seconds: graceSeconds });
      const r = await rotateKey(db, id, body.grace_seconds);
      return {
        ...issuedJson(r.row, r.key),
        replaces: r.old.id,
        old_key_grace_until: (r.old.grace_until as Date).toISOString(),
      };
    },
    close: () => closeQuietly(store),
  };
}

// ── shared by the command files ────────────────────────────────────────────────────────────────────────

/** Where commands write; injectable so tests run commands in-process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
  exit: (code) => {
    process.exitCode = code;
  },
  env: process.env,
};

export interface AdminCliOptions {
  dataDir?: string;
  url?: string;
  adminToken?: string;
  json?: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8420';
export const DEFAULT_DATA_DIR = './.portcullis';

/** The options every admin command takes (on the command group, so they work before or after the subcommand). */
export function addAdminOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data folder (embedded database, admin token)')
    .option('--url <url>', 'admin API base URL of a running gateway (default $PORTCULLIS_URL or http://127.0.0.1:8420)')
    .option('--admin-token <token>', 'admin token (default $PORTCULLIS_ADMIN_TOKEN or <data-dir>/admin-token)');
}

export function connectFromOptions(o: AdminCliOptions, io: CliIO): Promise<AdminOps> {
  return connectAdmin({
    url: o.url ?? io.env.PORTCULLIS_URL ?? DEFAULT_URL,
    dataDir: o.dataDir ?? io.env.PORTCULLIS_DATA_DIR ?? DEFAULT_DATA_DIR,
    adminToken: o.adminToken,
    env: io.env,
  });
}

/** Runs a command body: one clear line on stderr and exit 1 on failure, never a stack trace for user errors. */
export async function runCommand(io: CliIO, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    io.exit(0);
    return 0;
  } catch (err) {
    const known = err instanceof CliError || isPortcullisError(err) || (err as { code?: unknown })?.code !== undefined;
    const message = (err as Error)?.message ?? String(err);
    io.err(`portcullis: ${known ? message : `unexpected error: ${message}`}`.split('\n')[0] as string);
    io.exit(1);
    return 1;
  }
}

/** `30s`, `15m`, `12h`, `30d`, `2w` → seconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (!m) throw new CliError(`${what} must be a number with a unit, like 30m, 12h or 30d (got "${text.slice(0, 40)}")`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** A plain aligned table; `-` for empty cells. */
export function table(headers: string[], rows: Array<Array<string | null | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
