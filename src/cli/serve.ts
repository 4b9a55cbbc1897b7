import type { Command } from 'commander';
import { ConfigError, resolveConfig } from '../config/load.js';
import { assembleGateway } from '../gateway/assemble.js';

interface ServeOptions {
  config?: string;
  dataDir?: string;
  port?: string;
  host?: string;
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError('--port', [`--port: expected 0..65535, got "${v}"`]);
  return n;
}

/** `portcullis serve`: start the gateway; SIGTERM/SIGINT drain in-flight answers, then exit. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (embedded storage in ./.portcullis unless configured otherwise)')
    .option('-c, --config <file>', 'YAML config file (default: $PORTCULLIS_CONFIG, else built-in defaults)')
    .option('-d, --data-dir <dir>', 'data folder for embedded storage, admin token and journal', undefined)
    .option('-p, --port <port>', 'listen port (default 8420)')
    .option('--host <host>', 'listen address (default 127.0.0.1)')
    .action(async (opts: ServeOptions) => {
      let config: ReturnType<typeof resolveConfig>;
      try {
        config = resolveConfig({
          config: opts.config,
          dataDir: opts.dataDir,
          port: parsePort(opts.port),
          host: opts.host,
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
      const gw = await assembleGateway({ config });
      const address = await gw.app.listen({ host: config.server.host, port: config.server.port });
      const log = gw.app.log;
      log.info(
        {
          address,
          storage: gw.store.kind,
          counters: gw.counters.kind,
          providers: config.providers.map((p) => `${p.name} (${p.type}, ${p.region}) ${p.base_url}`),
        },
        'portcullis is listening',
      );
      const tokenNote = gw.adminToken.created
        ? `created an admin token in ${gw.adminToken.path} (mode 0600)`
        : `admin token: ${gw.adminToken.path}`;
      process.stderr.write(`Portcullis listening on ${address}\n${tokenNote}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          process.exit(1);
        }
        stopping = true;
        log.info({ signal }, 'shutting down: finishing in-flight answers');
        gw.close()
          .then(() => process.exit(0))
          .catch((err) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
