import { Counter, Histogram, Registry } from 'prom-client';
import type { Exchange } from '../core/exchange.js';
import type { Recorder } from './record.js';

export interface GatewayMetrics {
  registry: Registry;
  recorder: Recorder;
}

/** Prometheus metrics for every exchange. Labels are bounded: no ids, no client-chosen strings but model. */
export function createMetrics(knownModels: ReadonlySet<string> | null): GatewayMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'portcullis_requests_total',
    help: 'Exchanges by endpoint, model, provider and status',
    labelNames: ['endpoint', 'model', 'provider', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'portcullis_request_duration_seconds',
    help: 'Time from arrival to the last byte of the answer',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'portcullis_tokens_total',
    help: 'Tokens by direction and model',
    labelNames: ['direction', 'model'] as const,
    registers: [registry],
  });
  const findings = new Counter({
    name: 'portcullis_findings_total',
    help: 'Guard findings by category',
    labelNames: ['category'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'portcullis_decisions_total',
    help: 'Decisions by stage and action',
    labelNames: ['stage', 'action'] as const,
    registers: [registry],
  });
  const modelLabel = (ex: Exchange): string => {
    const m = ex.route?.model;
    if (!m) return 'none';
    return knownModels === null || knownModels.has(m) ? m : 'other';
  };
  const recorder: Recorder = (ex) => {
    const model = modelLabel(ex);
    requests.inc({
      endpoint: ex.endpoint,
      model,
      provider: ex.upstream?.provider ?? 'none',
      status: String(ex.status ?? 0),
    });
    latency.observe({ endpoint: ex.endpoint }, Number(process.hrtime.bigint() - ex.startedNs) / 1e9);
    if (ex.usage) {
      tokens.inc({ direction: 'input', model }, ex.usage.inputTokens);
      tokens.inc({ direction: 'output', model }, ex.usage.outputTokens);
    }
    for (const f of ex.findings) findings.inc({ category: f.category });
    for (const d of ex.decisions) decisions.inc({ stage: d.stage, action: d.action });
  };
  return { registry, recorder };
}
