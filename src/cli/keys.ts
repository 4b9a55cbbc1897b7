import type { Command } from 'commander';

/** `portcullis keys` */
export function registerKeys(_program: Command): void {}
