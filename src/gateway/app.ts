import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Config } from '../config/schema.js';
import type { ChatRequest, Dialect, EmbeddingsRequest, Endpoint } from '../core/chat.js';
import { isPortcullisError, PortcullisError } from '../core/errors.js';
import { createExchange, type Exchange, type ExchangeRequest, finishExchange } from '../core/exchange.js';
import { parseJsonBody } from './body.js';
import type { ClientCodec } from './codec.js';
import { dialectOfPath, fromFrameworkError, renderError } from './errors.js';
import { requestIdFrom } from './request-id.js';
import { filterChatResponse, pipeStream } from './respond.js';

export interface GatewayDeps {
  config: Config;
  /** The full pipeline for model calls (chat, responses, messages, embeddings). */
  pipeline: (ex: Exchange) => Promise<void>;
  /** Authentication (and recording) only: for /v1/models and count_tokens. */
  lightPipeline: (ex: Exchange) => Promise<void>;
  codecs: Record<'chat' | 'responses' | 'messages', ClientCodec>;
  parseEmbeddings(body: unknown): EmbeddingsRequest;
  countTokens(req: ChatRequest): number;
  listModels(ex: Exchange): unknown | Promise<unknown>;
  /** Registers admin routes (already scoped under /admin/v1 by the caller). */
  registerAdmin?: (app: FastifyInstance) => Promise<void>;
  /** Readiness: dependencies reachable. */
  ready?: () => Promise<boolean>;
  /** Extra plain routes (e.g. /metrics). */
  registerExtra?: (app: FastifyInstance) => Promise<void>;
  logger?: boolean | Record<string, unknown>;
}

const LOG_REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

type ChatEndpoint = 'chat' | 'responses' | 'messages';

export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance & { draining: boolean }> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? { level: config.server.log_level, redact: LOG_REDACT },
    bodyLimit: config.server.body_limit,
    trustProxy: config.server.trust_proxy,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance & { draining: boolean };
  app.draining = false;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const pe = fromFrameworkError(err, config.server.body_limit);
    if (pe.code === 'PCX_INTERNAL') req.log.error({ err }, 'unhandled error');
    const dialect = (req.routeOptions.config as { dialect?: Dialect } | undefined)?.dialect ?? dialectOfPath(req.url);
    const rendered = renderError(pe, dialect, req.id);
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const rendered = renderError(
      new PortcullisError('PCX_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`),
      dialectOfPath(req.url),
      req.id,
    );
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = !app.draining && (deps.ready ? await deps.ready().catch(() => false) : true);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready' });
  });

  const chatRoute = (endpoint: ChatEndpoint, dialect: Dialect) => ({
    config: { dialect },
    handler: (req: FastifyRequest, reply: FastifyReply) => handleChat(req, reply, endpoint, dialect),
  });

  async function handleChat(req: FastifyRequest, reply: FastifyReply, endpoint: ChatEndpoint, dialect: Dialect) {
    const codec = deps.codecs[endpoint];
    const ex = newExchange(req, reply, dialect, endpoint, { kind: 'none' });
    try {
      ex.decode = () => ({ kind: 'chat', chat: codec.parse(req.body) });
      await deps.pipeline(ex);
      const result = ex.result;
      if (!result) throw new PortcullisError('PCX_INTERNAL', 'the pipeline produced no answer');
      if (result.kind === 'stream') {
        const chat = (ex.request as { chat: ChatRequest }).chat;
        const renderer = codec.createStream({
          id: ex.id,
          model: chat.model,
          created: Math.floor(ex.receivedAt / 1000),
          includeUsage: chat.streamUsage ?? false,
          request: chat,
        });
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': ex.id,
          ...ex.responseHeaders,
        });
        ex.status = 200;
        await pipeStream(ex, res, result.events, renderer, (outcome) => {
          if (outcome.error) ex.error = errorSummary(outcome.error);
          finish(ex, req);
        });
        return;
      }
      if (result.kind === 'chat') {
        const body = codec.render(filterChatResponse(ex, result.response), (ex.request as { chat: ChatRequest }).chat);
        ex.status = 200;
        finish(ex, req);
        return reply.headers(ex.responseHeaders).send(body);
      }
      ex.status = result.status;
      finish(ex, req);
      return reply.code(result.status).headers(ex.responseHeaders).send(result.body);
    } catch (err) {
      return sendError(ex, req, reply, err);
    }
  }

  function sendError(ex: Exchange, req: FastifyRequest, reply: FastifyReply, err: unknown) {
    const pe = isPortcullisError(err) ? err : fromFrameworkError(err, config.server.body_limit);
    if (pe.code === 'PCX_INTERNAL') req.log.error({ err }, 'unhandled error');
    ex.status = pe.status;
    ex.error = errorSummary(pe);
    finish(ex, req);
    const rendered = renderError(pe, ex.dialect, ex.id);
    if (reply.sent || reply.raw.headersSent) return;
    return reply
      .code(rendered.status)
      .headers({ ...ex.responseHeaders, ...rendered.headers })
      .send(rendered.body);
  }

  function finish(ex: Exchange, req: FastifyRequest) {
    finishExchange(ex, (err) => req.log.error({ err }, 'record hook failed'));
    const ms = Number(process.hrtime.bigint() - ex.startedNs) / 1e6;
    req.log.info(
      {
        tenant: ex.principal?.tenant,
        key_id: ex.principal?.keyId,
        endpoint: ex.endpoint,
        model: ex.route?.model,
        provider: ex.upstream?.provider,
        status: ex.status,
        error: ex.error?.code,
        findings: ex.findings.length,
        input_tokens: ex.usage?.inputTokens,
        output_tokens: ex.usage?.outputTokens,
        ms: Math.round(ms * 100) / 100,
      },
      'exchange',
    );
  }

  function newExchange(
    req: FastifyRequest,
    reply: FastifyReply,
    dialect: Dialect,
    endpoint: Endpoint,
    request: ExchangeRequest,
  ): Exchange {
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return createExchange({
      id: req.id,
      dialect,
      endpoint,
      client: { ip: req.ip, userAgent: req.headers['user-agent'], headers: req.headers },
      signal: controller.signal,
      request,
    });
  }

  app.post('/v1/chat/completions', chatRoute('chat', 'openai'));
  app.post('/v1/responses', chatRoute('responses', 'openai'));
  app.post('/v1/messages', chatRoute('messages', 'anthropic'));

  app.post('/v1/embeddings', { config: { dialect: 'openai' } }, async (req, reply) => {
    const ex = newExchange(req, reply, 'openai', 'embeddings', { kind: 'none' });
    try {
      ex.decode = () => ({ kind: 'embeddings', embeddings: deps.parseEmbeddings(req.body) });
      await deps.pipeline(ex);
      const result = ex.result;
      if (result?.kind !== 'json') throw new PortcullisError('PCX_INTERNAL', 'no embeddings answer');
      ex.status = result.status;
      finish(ex, req);
      return reply.code(result.status).headers(ex.responseHeaders).send(result.body);
    } catch (err) {
      return sendError(ex, req, reply, err);
    }
  });

  app.post('/v1/messages/count_tokens', { config: { dialect: 'anthropic' } }, async (req, reply) => {
    const ex = newExchange(req, reply, 'anthropic', 'count_tokens', { kind: 'none' });
    try {
      ex.decode = () => ({
        kind: 'chat',
        chat: deps.codecs.messages.parse({ max_tokens: 1, ...(req.body as object) }),
      });
      await deps.lightPipeline(ex);
      if (ex.request.kind !== 'chat') throw new PortcullisError('PCX_INTERNAL', 'count_tokens: no request');
      const body = { input_tokens: deps.countTokens(ex.request.chat) };
      ex.status = 200;
      finish(ex, req);
      return reply.headers(ex.responseHeaders).send(body);
    } catch (err) {
      return sendError(ex, req, reply, err);
    }
  });

  app.get('/v1/models', { config: { dialect: 'openai' } }, async (req, reply) => {
    const ex = newExchange(req, reply, 'openai', 'models', { kind: 'none' });
    try {
      await deps.lightPipeline(ex);
      const body = await deps.listModels(ex);
      ex.status = 200;
      finish(ex, req);
      return reply.headers(ex.responseHeaders).send(body);
    } catch (err) {
      return sendError(ex, req, reply, err);
    }
  });

  if (deps.registerAdmin) {
    const registerAdmin = deps.registerAdmin;
    await app.register(async (scope) => registerAdmin(scope), { prefix: '/admin/v1' });
  }
  if (deps.registerExtra) await deps.registerExtra(app);
  return app;
}

function errorSummary(err: PortcullisError): { code: string; status: number; message: string } {
  return { code: err.code, status: err.status, message: err.message };
}
