import type { Command } from 'commander';

/** `portcullis scan` */
export function registerScan(_program: Command): void {}
