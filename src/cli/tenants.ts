import type { Command } from 'commander';
import { createTenantBody } from '../gateway/admin/schemas.js';
import {
  type AdminCliOptions,
  addAdminOptions,
  type CliIO,
  connectFromOptions,
  processIO,
  runCommand,
  table,
  valid,
} from './admin-client.js';

export async function tenantsCreate(id: string, o: AdminCliOptions & { name?: string }, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const input = valid(createTenantBody, o.name === undefined ? { id } : { id, name: o.name });
    const ops = await connectFromOptions(o, io);
    try {
      const t = await ops.createTenant(input);
      io.out(o.json ? JSON.stringify(t, null, 2) : `Created tenant ${t.id}${t.name ? ` (${t.name})` : ''}.`);
    } finally {
      await ops.close();
    }
  });
}

export async function tenantsList(o: AdminCliOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const ops = await connectFromOptions(o, io);
    try {
      const list = await ops.listTenants();
      if (o.json) return io.out(JSON.stringify(list, null, 2));
      if (list.length === 0) return io.out('No tenants. Create one with: portcullis tenants create ID');
      io.out(
        table(
          ['ID', 'NAME', 'CREATED', 'DISABLED'],
          list.map((t) => [t.id, t.name, t.created_at, t.disabled_at]),
        ),
      );
    } finally {
      await ops.close();
    }
  });
}

/** `portcullis tenants` */
export function registerTenants(program: Command, io: CliIO = processIO): void {
  const tenants = addAdminOptions(program.command('tenants').description('manage tenants'));
  tenants
    .command('create <id>')
    .description('create a tenant (id: a-z 0-9 _ -, up to 63 characters)')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, cmd: Command) => {
      await tenantsCreate(id, cmd.optsWithGlobals(), io);
    });
  tenants
    .command('list')
    .description('list tenants')
    .option('--json', 'print JSON')
    .action(async (_o, cmd: Command) => {
      await tenantsList(cmd.optsWithGlobals(), io);
    });
}
