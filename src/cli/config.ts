import type { Command } from 'commander';
import { ConfigError, readConfigFile } from '../config/load.js';
import { type CliIO, processIO } from './admin-client.js';

/**
 * Validates a config file: every problem on stderr by path and exit 1, or `ok` and exit 0. Deprecated
 * settings are listed as warnings on stderr (`warning: path: message`) and do not fail the check.
 */
export function configCheck(file: string, io: CliIO): number {
  let warnings: string[] = [];
  try {
    warnings = readConfigFile(file).warnings;
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      io.err(`portcullis: ${(err as Error).message}`);
      io.exit(1);
      return 1;
    }
    io.err(`${file}: invalid config (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'})`);
    for (const p of err.problems) io.err(`  ${p}`);
    io.exit(1);
    return 1;
  }
  for (const w of warnings) io.err(`warning: ${w}`);
  io.out('ok');
  io.exit(0);
  return 0;
}

/** `portcullis config` */
export function registerConfig(program: Command, io: CliIO = processIO): void {
  const config = program.command('config').description('work with config files');
  config
    .command('check <file>')
    .description('validate a config file and list every problem')
    .action((file: string) => {
      configCheck(file, io);
    });
}
