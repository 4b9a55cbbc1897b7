import type { Command } from 'commander';

/** `portcullis replay` */
export function registerReplay(_program: Command): void {}
