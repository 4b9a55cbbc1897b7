import { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerConfig } from './config.js';
import { registerExtraction } from './extraction.js';
import { registerKeys } from './keys.js';
import { registerReplay } from './replay.js';
import { registerScan } from './scan.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';
import { registerTenants } from './tenants.js';

export function buildProgram(): Command {
  const program = new Command('portcullis')
    .description('AI security gateway: OpenAI- and Anthropic-compatible, inspected, limited and audited')
    .version('0.1.0')
    .showHelpAfterError();
  for (const register of [
    registerServe,
    registerConfig,
    registerTenants,
    registerKeys,
    registerScan,
    registerSimulate,
    registerReplay,
    registerExtraction,
    registerAudit,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
