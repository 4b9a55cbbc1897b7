import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withAnswerCapture } from '../audit/answer-capture.js';
import { auditAdminRoutes } from '../audit/http.js';
import { type AuditLog, createAuditLog } from '../audit/log.js';
import { adminTokenMatches, ensureAdminToken } from '../auth/admin-token.js';
import { createAuthenticateStage } from '../auth/stage.js';
import { KeyVerifier } from '../auth/verifier.js';
import type { Config } from '../config/schema.js';
import { createExtractionDefence } from '../extraction/defence.js';
import { compilePolicy } from '../guards/policy.js';
import { createInspectRequestStage, createInspectResponseStage } from '../guards/stage.js';
import type { CounterStore } from '../limits/counters.js';
import { MemoryCounterStore } from '../limits/memory-store.js';
import { RedisCounterStore } from '../limits/redis-store.js';
import { createAdmitStage } from '../limits/stage.js';
import { parseEmbeddingsRequest } from '../providers/embeddings.js';
import { createForwardStage } from '../providers/forward.js';
import { createOpenAIAdapter } from '../providers/openai/index.js';
import { closeProviderRegistry, createProviderRegistry } from '../providers/registry.js';
import { createRouteStage } from '../providers/route-stage.js';
import { createRouter, listModels } from '../providers/router.js';
import { countTokens, loadTokenizer } from '../providers/tokens.js';
import { openStore, type Store } from '../store/db.js';
import { createMetrics } from '../telemetry/metrics.js';
import { createRecordStage, type Recorder } from '../telemetry/record.js';
import { extractionAdminRoutes } from './admin/extraction.js';
import { adminRoutes } from './admin/routes.js';
import { buildGateway } from './app.js';
import { CLIENT_CODECS } from './codecs.js';
import { passThroughModels } from './pass-through-models.js';
import { buildPipelines } from './pipeline.js';
import { createReadiness } from './readiness.js';

export interface AssembleOptions {
  config: Config;
  env?: NodeJS.ProcessEnv;
  /** fastify logger options, or false to silence (tests). */
  logger?: boolean | Record<string, unknown>;
}

export interface Assembled {
  app: FastifyInstance & { draining: boolean };
  store: Store;
  adminToken: { token: string; path: string; created: boolean };
  counters: CounterStore;
  audit: AuditLog;
  /** Stops accepting, lets in-flight answers finish (up to the grace period), then closes every resource. */
  close(): Promise<void>;
}

/** Builds the whole gateway from a validated config: storage, providers, every stage, the HTTP app. */
export async function assembleGateway(opts: AssembleOptions): Promise<Assembled> {
  const { config } = opts;
  const env = opts.env ?? process.env;
  const adminToken = ensureAdminToken(config.storage.data_dir, env);
  let log: Logger | undefined;
  const store = await openStore({
    dataDir: config.storage.data_dir,
    databaseUrl: config.storage.database_url,
    onPoolError: (err) => log?.warn({ err: err.message }, 'database connection lost; it is reopened on the next query'),
  });
  const closers: Array<() => Promise<void>> = [() => store.close()];
  try {
    const adapters = createProviderRegistry(config, { openai: createOpenAIAdapter }, env);
    closers.unshift(() => closeProviderRegistry(adapters));
    const router = createRouter(config);
    const report = (what: string) => (err: unknown) => log?.error({ err }, what);

    const verifier = new KeyVerifier({ db: store.db, onError: report('api key usage write failed') });
    closers.unshift(async () => verifier.close());
    const counters: CounterStore = config.storage.redis_url
      ? new RedisCounterStore({
          url: config.storage.redis_url,
          commandTimeoutMs: config.limits.redis_command_timeout_ms,
        })
      : new MemoryCounterStore();
    closers.unshift(() => counters.close());
    if (counters.kind === 'redis') await counters.ready().catch(() => undefined);

    const audit = await createAuditLog({
      config: config.audit,
      db: store.db,
      dataDir: config.storage.data_dir,
      kind: store.kind,
      env,
      onError: report('audit commit failed (entries stay in the journal and are retried)'),
    });
    closers.unshift(() => audit.close());

    const extraction = createExtractionDefence({
      config: config.extraction,
      store: { db: store.db },
      dataDir: config.storage.data_dir,
      onError: (err, what) => log?.error({ err }, `extraction defence: ${what}`),
    });
    closers.unshift(() => extraction.close());
    await extraction.ready;

    if (config.limits.rules.length > 0) loadTokenizer();
    const policy = compilePolicy(config.guards);
    const metrics = createMetrics(new Set(config.models.map((m) => m.name)));
    const recorders: Recorder[] = [(ex) => audit.record(ex)];
    const afterAnswer: Recorder[] = [metrics.recorder, extraction.recorder];

    const pipelines = buildPipelines({
      record: withAnswerCapture(
        config.audit,
        createRecordStage(recorders, { afterAnswer, report: report('record hook failed') }),
      ),
      authenticate: createAuthenticateStage(verifier),
      admit: createAdmitStage({
        config: config.limits,
        store: counters,
        estimateInputTokens: (ex) => (ex.request.kind === 'chat' ? countTokens(ex.request.chat) : 0),
        onError: report('limit reconciliation failed'),
      }),
      inspectRequest: createInspectRequestStage(policy),
      shape: extraction.shapeStage,
      route: createRouteStage(router),
      inspectResponse: createInspectResponseStage(policy),
      forward: createForwardStage(adapters),
    });

    const app = await buildGateway({
      config,
      pipeline: pipelines.full,
      lightPipeline: pipelines.light,
      codecs: CLIENT_CODECS,
      parseEmbeddings: parseEmbeddingsRequest,
      countTokens,
      listModels: (ex) =>
        config.models.length > 0 ? listModels(config, ex.principal) : passThroughModels(config, ex.principal, env),
      logger: opts.logger,
      ready: createReadiness({
        database: () => store.db.selectNoFrom((eb) => eb.val(1).as('one')).execute(),
        counters,
      }),
      registerAdmin: async (scope) => {
        await scope.register(adminRoutes, {
          store,
          adminToken: adminToken.token,
          onKeysChanged: () => verifier.invalidate(),
          onAdminAction: (event) =>
            audit.recordEvent({
              type: 'admin',
              action: event.action,
              actor: event.actor,
              target: event.target,
              details: event.details as Record<string, unknown> | undefined,
            }),
        });
        await scope.register(async (auditScope) => {
          auditScope.addHook('onRequest', async (req, reply) => {
            const header = req.headers.authorization ?? '';
            const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
            if (!adminTokenMatches(presented, adminToken.token)) {
              return reply.code(401).send({
                error: {
                  code: 'invalid_admin_token',
                  message: 'a valid admin token is required (Authorization: Bearer …)',
                },
              });
            }
          });
          await auditScope.register(auditAdminRoutes(audit));
          await auditScope.register(
            extractionAdminRoutes(extraction.accounts, (action, account) =>
              audit.recordEvent({ type: 'admin', action, actor: 'admin', target: account }),
            ),
          );
        });
      },
      registerExtra: async (scope) => {
        scope.get('/metrics', async (_req, reply) =>
          reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
        );
      },
    });
    log = app.log as unknown as Logger;

    let closed = false;
    return {
      app,
      store,
      adminToken,
      counters,
      audit,
      async close() {
        if (closed) return;
        closed = true;
        app.draining = true;
        const grace = setTimeout(() => app.server.closeAllConnections?.(), config.server.shutdown_grace_ms);
        grace.unref();
        await app.close();
        clearTimeout(grace);
        for (const c of closers) await c().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const c of closers) await c().catch(() => undefined);
    throw err;
  }
}
