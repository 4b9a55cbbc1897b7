import type { Command } from 'commander';

/** `portcullis tenants` */
export function registerTenants(_program: Command): void {}
