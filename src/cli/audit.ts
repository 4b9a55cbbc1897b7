import type { Command } from 'commander';

/** `portcullis audit` */
export function registerAudit(_program: Command): void {}
