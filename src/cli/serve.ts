import type { Command } from 'commander';

/** `portcullis serve` */
export function registerServe(_program: Command): void {}
