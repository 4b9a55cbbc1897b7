import type { Command } from 'commander';

/** `portcullis config` */
export function registerConfig(_program: Command): void {}
