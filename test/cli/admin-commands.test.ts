import { rmSync } from 'node:fs';
import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIO, connectAdmin, parseDuration, table } from '../../src/cli/admin-client.js';
import {
  expiryFrom,
  keysCreate,
  keysList,
  keysRevoke,
  keysRotate,
  modelsFrom,
  registerKeys,
} from '../../src/cli/keys.js';
import { registerTenants, tenantsCreate, tenantsList } from '../../src/cli/tenants.js';
import { adminRoutes } from '../../src/gateway/admin/routes.js';
import { openStore, type Store } from '../../src/store/db.js';
import { freshPgliteDir, SLOW_HOOK_MS } from '../store/backends.js';

/** Nothing listens on port 1, so commands fall back to the database. */
const NO_GATEWAY = 'http://127.0.0.1:1';

function captureIO(env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[]; code?: number } {
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    code: undefined as number | undefined,
    out: (t: string) => void io.stdout.push(t),
    err: (t: string) => void io.stderr.push(t),
    exit: (c: number) => {
      io.code = c;
    },
    env,
  };
  return io;
}

describe('helpers', () => {
  it('parses durations', () => {
    expect(parseDuration('30s', 'x')).toBe(30);
    expect(parseDuration('15m', 'x')).toBe(900);
    expect(parseDuration('1h', 'x')).toBe(3600);
    expect(parseDuration('30d', 'x')).toBe(2_592_000);
    expect(parseDuration('2w', 'x')).toBe(1_209_600);
    for (const bad of ['', '1', 'h', '-1h', '1.5h', '1y', '1h30m', '9999999999d'])
      expect(() => parseDuration(bad, '--ttl')).toThrow(/--ttl/);
  });
  it('turns --ttl and --expires into one expiry', () => {
    expect(expiryFrom({ ttl: '1d' }, Date.parse('2030-01-01T00:00:00Z'))).toBe('2030-01-02T00:00:00.000Z');
    expect(expiryFrom({ expires: '2031-01-01T00:00:00Z' })).toBe('2031-01-01T00:00:00Z');
    expect(expiryFrom({})).toBeUndefined();
    expect(() => expiryFrom({ ttl: '1d', expires: '2031-01-01T00:00:00Z' })).toThrow(/not both/);
  });
  it('splits --models', () => {
    expect(modelsFrom('a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(modelsFrom(undefined)).toBeUndefined();
    expect(() => modelsFrom(' , ')).toThrow(/at least one/);
  });
  it('aligns tables', () => {
    expect(
      table(
        ['ID', 'NAME'],
        [
          ['a', 'Alpha'],
          ['bbb', null],
        ],
      ),
    ).toBe('ID   NAME\na    Alpha\nbbb  -');
  });
});

/** Each command opens the embedded database (a PGlite start, seconds on a loaded machine). */
describe('admin commands against the database (no gateway running)', { timeout: 180_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await freshPgliteDir();
  }, SLOW_HOOK_MS);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const opts = () => ({ dataDir, url: NO_GATEWAY });

  it('creates and lists tenants, human and JSON', async () => {
    const io = captureIO();
    expect(await tenantsCreate('acme', { ...opts(), name: 'Acme' }, io)).toBe(0);
    expect(io.stdout).toEqual(['Created tenant acme (Acme).']);
    const json = captureIO();
    await tenantsCreate('beta', { ...opts(), json: true }, json);
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ id: 'beta', name: null, disabled_at: null });
    const list = captureIO();
    await tenantsList({ ...opts(), json: true }, list);
    expect(JSON.parse(list.stdout.join('\n')).map((t: { id: string }) => t.id)).toEqual(['acme', 'beta']);
    const human = captureIO();
    await tenantsList(opts(), human);
    expect(human.stdout[0]?.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATED\s+DISABLED$/);
    expect(human.stdout[0]).toContain('acme  Acme');
  });

  it('issues, lists, rotates and revokes keys', async () => {
    const create = captureIO();
    expect(await keysCreate({ ...opts(), tenant: 'acme', models: 'm1,m2', ttl: '30d', json: true }, create)).toBe(0);
    const issued = JSON.parse(create.stdout.join('\n'));
    expect(issued.key).toMatch(/^pcs_[0-9A-Za-z]{43}$/);
    expect(issued.models).toEqual(['m1', 'm2']);
    const days = (Date.parse(issued.expires_at) - Date.parse(issued.created_at)) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);

    const list = captureIO();
    await keysList({ ...opts(), tenant: 'acme' }, list);
    expect(list.stdout[0]).toContain(issued.id);
    expect(list.stdout[0]).toContain('active');
    expect(list.stdout.join('\n')).not.toContain(issued.key);

    const rotate = captureIO();
    expect(await keysRotate(issued.id, { ...opts(), grace: '1h', json: true }, rotate)).toBe(0);
    const rotated = JSON.parse(rotate.stdout.join('\n'));
    expect(rotated.replaces).toBe(issued.id);
    const graceMs = Date.parse(rotated.old_key_grace_until) - Date.parse(rotated.created_at);
    expect(Math.abs(graceMs - 3_600_000)).toBeLessThan(60_000);

    const revoke = captureIO();
    expect(await keysRevoke(rotated.id, opts(), revoke)).toBe(0);
    expect(revoke.stdout).toEqual([`Revoked key ${rotated.id} (tenant acme).`]);
    const after = captureIO();
    await keysList({ ...opts(), json: true }, after);
    const statuses = Object.fromEntries(
      JSON.parse(after.stdout.join('\n')).map((k: { id: string; status: string }) => [k.id, k.status]),
    );
    expect(statuses[rotated.id]).toBe('revoked');
  });

  it('prints one line on stderr and exits 1 for user errors', async () => {
    const cases: Array<[string, (io: CliIO) => Promise<number>, RegExp]> = [
      ['bad tenant id', (io) => tenantsCreate('Not Valid', opts(), io), /tenant id/],
      ['duplicate tenant', (io) => tenantsCreate('acme', opts(), io), /already exists/],
      ['unknown tenant', (io) => keysCreate({ ...opts(), tenant: 'ghost' }, io), /no tenant "ghost"/],
      ['bad ttl', (io) => keysCreate({ ...opts(), tenant: 'acme', ttl: 'forever' }, io), /--ttl/],
      ['bad expiry', (io) => keysCreate({ ...opts(), tenant: 'acme', expires: 'tomorrow' }, io), /expires_at/],
      ['unknown key', (io) => keysRevoke('key_nope', opts(), io), /no key "key_nope"/],
      ['bad grace', (io) => keysRotate('key_nope', { ...opts(), grace: '1 hour' }, io), /--grace/],
    ];
    for (const [what, run, message] of cases) {
      const io = captureIO();
      expect(await run(io), what).toBe(1);
      expect(io.code, what).toBe(1);
      expect(io.stderr, what).toHaveLength(1);
      expect(io.stderr[0], what).toMatch(/^portcullis: /);
      expect(io.stderr[0], what).toMatch(message);
      expect(io.stderr[0], what).not.toMatch(/\n|at .*\.ts:/);
    }
  });

  it('accepts the admin options before or after the subcommand', async () => {
    const io = captureIO();
    const program = new Command('portcullis').exitOverride();
    registerTenants(program, io);
    registerKeys(program, io);
    await program.parseAsync(['tenants', '--data-dir', dataDir, '--url', NO_GATEWAY, 'create', 'gamma', '--json'], {
      from: 'user',
    });
    await program.parseAsync(
      ['keys', 'list', '--tenant', 'gamma', '--data-dir', dataDir, '--url', NO_GATEWAY, '--json'],
      {
        from: 'user',
      },
    );
    expect(io.stderr).toEqual([]);
    expect(JSON.parse(io.stdout[0] as string).id).toBe('gamma');
    expect(JSON.parse(io.stdout[1] as string)).toEqual([]);
  });
});

describe('admin commands through a running gateway', () => {
  const TOKEN = 'pca_cli-test-token-0123456789';
  let store: Store;
  let dir: string;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    dir = await freshPgliteDir();
    store = await openStore({ dataDir: dir });
    app = Fastify({ logger: false });
    await app.register(adminRoutes, { prefix: '/admin/v1', store, adminToken: TOKEN });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  }, SLOW_HOOK_MS);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the admin API when a gateway answers (the data folder is held by the gateway)', async () => {
    const ops = await connectAdmin({ url, dataDir: dir, adminToken: TOKEN });
    expect(ops.via).toBe('api');
    await ops.close();
    const io = captureIO({ PORTCULLIS_ADMIN_TOKEN: TOKEN });
    expect(await tenantsCreate('via-api', { dataDir: dir, url, json: true }, io)).toBe(0);
    const k = captureIO({ PORTCULLIS_ADMIN_TOKEN: TOKEN });
    expect(await keysCreate({ dataDir: dir, url, tenant: 'via-api', models: 'x', json: true }, k)).toBe(0);
    const issued = JSON.parse(k.stdout.join('\n'));
    const rows = await store.db
      .selectFrom('api_keys')
      .select(['id', 'tenant_id'])
      .where('tenant_id', '=', 'via-api')
      .execute();
    expect(rows).toEqual([{ id: issued.id, tenant_id: 'via-api' }]);
    const dup = captureIO({ PORTCULLIS_ADMIN_TOKEN: TOKEN });
    expect(await tenantsCreate('via-api', { dataDir: dir, url }, dup)).toBe(1);
    expect(dup.stderr).toEqual(['portcullis: tenant "via-api" already exists']);
  });

  it('says so when the token is missing or wrong, instead of touching the database', async () => {
    const missing = captureIO();
    expect(await tenantsList({ dataDir: '/nonexistent-dir', url }, missing)).toBe(1);
    expect(missing.stderr[0]).toMatch(/no admin token was found/);
    const wrong = captureIO();
    expect(
      await tenantsList({ dataDir: '/nonexistent-dir', url, adminToken: 'pca_wrong-token-000000000' }, wrong),
    ).toBe(1);
    expect(wrong.stderr[0]).toMatch(/refused the admin token/);
    expect(wrong.stderr[0]).not.toContain('pca_wrong');
  });
});
