import type { Command } from 'commander';

/** `portcullis simulate` */
export function registerSimulate(_program: Command): void {}
