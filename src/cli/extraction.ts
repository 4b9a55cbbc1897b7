import type { Command } from 'commander';

/** `portcullis extraction` */
export function registerExtraction(_program: Command): void {}
