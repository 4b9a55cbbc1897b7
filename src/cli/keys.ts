import type { Command } from 'commander';
import { createKeyBody } from '../gateway/admin/schemas.js';
import {
  type AdminCliOptions,
  addAdminOptions,
  CliError,
  type CliIO,
  connectFromOptions,
  parseDuration,
  processIO,
  runCommand,
  table,
  valid,
} from './admin-client.js';

export interface KeysCreateOptions extends AdminCliOptions {
  tenant: string;
  models?: string;
  expires?: string;
  ttl?: string;
  name?: string;
}

/** `--expires` (an RFC 3339 time) or `--ttl` (a duration from now), not both. */
export function expiryFrom(o: { expires?: string; ttl?: string }, now = Date.now()): string | undefined {
  if (o.expires !== undefined && o.ttl !== undefined) throw new CliError('give --expires or --ttl, not both');
  if (o.ttl !== undefined) return new Date(now + parseDuration(o.ttl, '--ttl') * 1000).toISOString();
  return o.expires;
}

export function modelsFrom(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const models = list
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (models.length === 0) throw new CliError('--models needs at least one model name (a,b,c)');
  return models;
}

export async function keysCreate(o: KeysCreateOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const models = modelsFrom(o.models);
    const expires = expiryFrom(o);
    const input = valid(createKeyBody, {
      tenant: o.tenant,
      ...(models ? { models } : {}),
      ...(expires ? { expires_at: expires } : {}),
      ...(o.name ? { name: o.name } : {}),
    });
    const ops = await connectFromOptions(o, io);
    try {
      const k = await ops.createKey(input);
      if (o.json) return io.out(JSON.stringify(k, null, 2));
      io.out(`Created key ${k.id} for tenant ${k.tenant}.`);
      io.out(`Models: ${k.models ? k.models.join(', ') : 'all'}   Expires: ${k.expires_at ?? 'never'}`);
      io.out('The API key is shown only now; store it safely:');
      io.out(`  ${k.key}`);
    } finally {
      await ops.close();
    }
  });
}

export async function keysList(o: AdminCliOptions & { tenant?: string }, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const ops = await connectFromOptions(o, io);
    try {
      const list = await ops.listKeys(o.tenant);
      if (o.json) return io.out(JSON.stringify(list, null, 2));
      if (list.length === 0) return io.out('No keys.');
      io.out(
        table(
          ['ID', 'TENANT', 'PREFIX', 'STATUS', 'MODELS', 'EXPIRES', 'LAST USED'],
          list.map((k) => [
            k.id,
            k.tenant,
            `${k.prefix}…`,
            k.status,
            k.models ? k.models.join(',') : 'all',
            k.expires_at,
            k.last_used_at,
          ]),
        ),
      );
    } finally {
      await ops.close();
    }
  });
}

export async function keysRevoke(id: string, o: AdminCliOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const ops = await connectFromOptions(o, io);
    try {
      const k = await ops.revokeKey(id);
      io.out(o.json ? JSON.stringify(k, null, 2) : `Revoked key ${k.id} (tenant ${k.tenant}).`);
    } finally {
      await ops.close();
    }
  });
}

export async function keysRotate(id: string, o: AdminCliOptions & { grace?: string }, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const grace = o.grace === undefined ? 0 : parseDuration(o.grace, '--grace');
    const ops = await connectFromOptions(o, io);
    try {
      const k = await ops.rotateKey(id, grace);
      if (o.json) return io.out(JSON.stringify(k, null, 2));
      io.out(`Created key ${k.id} to replace ${k.replaces}; the old key stops working at ${k.old_key_grace_until}.`);
      io.out('The new API key is shown only now; store it safely:');
      io.out(`  ${k.key}`);
    } finally {
      await ops.close();
    }
  });
}

/** `portcullis keys` */
export function registerKeys(program: Command, io: CliIO = processIO): void {
  const keys = addAdminOptions(program.command('keys').description('manage API keys'));
  keys
    .command('create')
    .description('issue an API key (shown once)')
    .requiredOption('--tenant <id>', 'tenant the key belongs to')
    .option('--models <list>', 'comma-separated public model names the key may use (default: all)')
    .option('--expires <time>', 'expiry time, RFC 3339 (e.g. 2027-01-01T00:00:00Z)')
    .option('--ttl <duration>', 'expiry as a duration from now (e.g. 30d, 12h)')
    .option('--name <name>', 'a label for the key')
    .option('--json', 'print JSON')
    .action(async (_o, cmd: Command) => {
      await keysCreate(cmd.optsWithGlobals(), io);
    });
  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (_o, cmd: Command) => {
      await keysList(cmd.optsWithGlobals(), io);
    });
  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, cmd: Command) => {
      await keysRevoke(id, cmd.optsWithGlobals(), io);
    });
  keys
    .command('rotate <id>')
    .description('issue a replacement key; the old one works for the grace period')
    .option('--grace <duration>', 'how long the old key keeps working (e.g. 1h; default 0)')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, cmd: Command) => {
      await keysRotate(id, cmd.optsWithGlobals(), io);
    });
}
