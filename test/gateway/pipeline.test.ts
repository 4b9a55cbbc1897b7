import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange, finishExchange } from '../../src/core/exchange.js';
import type { Stage } from '../../src/core/stage.js';
import { buildPipelines, type PipelineStages, STAGE_ORDER } from '../../src/gateway/pipeline.js';
import { createRecordStage } from '../../src/telemetry/record.js';

function exchange(): Exchange {
  return createExchange({
    id: 'req_1',
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '127.0.0.1', userAgent: undefined, headers: {} },
    signal: new AbortController().signal,
    request: { kind: 'none' },
  });
}

function tracing(log: string[]): PipelineStages {
  const stage =
    (name: string): Stage =>
    async (ex, next) => {
      log.push(`${name}:${ex.request.kind}`);
      await next();
      log.push(`/${name}`);
    };
  return {
    record: stage('record'),
    authenticate: stage('authenticate'),
    admit: stage('admit'),
    inspectRequest: stage('inspectRequest'),
    shape: stage('shape'),
    route: stage('route'),
    inspectResponse: stage('inspectResponse'),
    forward: stage('forward'),
  };
}

describe('pipeline', () => {
  it('runs the stages of DESIGN.md in order, onion-style, and decodes the body only after authentication', async () => {
    const log: string[] = [];
    const ex = exchange();
    ex.decode = () => ({ kind: 'embeddings', embeddings: { model: 'm', input: ['x'], extra: {} } });
    await buildPipelines(tracing(log)).full(ex);
    expect(log).toEqual([
      'record:none',
      'authenticate:none',
      'admit:embeddings',
      'inspectRequest:embeddings',
      'shape:embeddings',
      'route:embeddings',
      'inspectResponse:embeddings',
      'forward:embeddings',
      '/forward',
      '/inspectResponse',
      '/route',
      '/shape',
      '/inspectRequest',
      '/admit',
      '/authenticate',
      '/record',
    ]);
    expect(STAGE_ORDER[0]).toBe('record');
  });

  it('a stage that throws ends the exchange: later stages never run, the decoder is never called', async () => {
    const log: string[] = [];
    const stages = tracing(log);
    stages.authenticate = async () => {
      throw new PortcullisError('PCX_KEY_MISSING', 'no key');
    };
    const ex = exchange();
    let decoded = false;
    ex.decode = () => {
      decoded = true;
      return { kind: 'none' };
    };
    await expect(buildPipelines(stages).full(ex)).rejects.toMatchObject({ code: 'PCX_KEY_MISSING' });
    expect(decoded).toBe(false);
    expect(log).toEqual(['record:none']);
  });

  it('the light pipeline authenticates and decodes but never routes', async () => {
    const log: string[] = [];
    const ex = exchange();
    ex.decode = () => ({ kind: 'embeddings', embeddings: { model: 'm', input: ['x'], extra: {} } });
    await buildPipelines(tracing(log)).light(ex);
    expect(log).toEqual(['record:none', 'authenticate:none', '/authenticate', '/record']);
    expect(ex.request.kind).toBe('embeddings');
  });

  it('refuses a missing stage at build time', () => {
    const stages = tracing([]) as Partial<PipelineStages>;
    delete stages.route;
    expect(() => buildPipelines(stages as PipelineStages)).toThrow(/route/);
  });
});

describe('record stage', () => {
  it('hands every finished exchange to each recorder once, errors included, and a failing recorder does not stop the others', async () => {
    const seen: string[] = [];
    const record = createRecordStage([
      (ex) => seen.push(`a:${ex.status}`),
      () => {
        throw new Error('broken recorder');
      },
      (ex) => seen.push(`c:${ex.status}`),
    ]);
    const ex = exchange();
    await record(ex, async () => {
      throw new PortcullisError('PCX_CONTENT_BLOCKED', 'x');
    }).catch(() => undefined);
    ex.status = 400;
    const reported: unknown[] = [];
    finishExchange(ex, (err) => reported.push(err));
    finishExchange(ex, (err) => reported.push(err));
    expect(seen).toEqual(['a:400', 'c:400']);
    expect(reported).toHaveLength(1);
  });

  it('runs afterAnswer recorders once, after the synchronous finish, and reports one that throws', async () => {
    const seen: string[] = [];
    const reported: unknown[] = [];
    const record = createRecordStage([(ex) => seen.push(`audit:${ex.status}`)], {
      afterAnswer: [
        (ex) => seen.push(`metrics:${ex.status}`),
        () => {
          throw new Error('broken');
        },
        (ex) => seen.push(`extraction:${ex.status}`),
      ],
      report: (err) => reported.push(err),
    });
    const ex = exchange();
    await record(ex, async () => undefined);
    ex.status = 200;
    finishExchange(ex, () => undefined);
    finishExchange(ex, () => undefined);
    // Only the audit recorder has run when finish returns: the answer is not held up by the others.
    expect(seen).toEqual(['audit:200']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['audit:200', 'metrics:200', 'extraction:200']);
    expect(reported).toHaveLength(1);
  });
});
