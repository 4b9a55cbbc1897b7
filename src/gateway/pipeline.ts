import type { Exchange } from '../core/exchange.js';
import { compose, type Stage } from '../core/stage.js';

/**
 * The stages of DESIGN.md, in order. Composition is onion-style: `record` is outermost so it sees every
 * outcome; `inspectResponse` sits just outside `forward` so that, after `next()`, it can add filters to
 * the answer the upstream produced.
 */
export interface PipelineStages {
  record: Stage;
  authenticate: Stage;
  /** Parses the body (ex.decode) once the caller is known; provided by buildPipelines. */
  decode?: Stage;
  admit: Stage;
  inspectRequest: Stage;
  shape: Stage;
  route: Stage;
  inspectResponse: Stage;
  forward: Stage;
}

export const STAGE_ORDER = [
  'record',
  'authenticate',
  'decode',
  'admit',
  'inspectRequest',
  'shape',
  'route',
  'inspectResponse',
  'forward',
] as const satisfies ReadonlyArray<keyof PipelineStages>;

export interface Pipelines {
  full: (ex: Exchange) => Promise<void>;
  /** Record and authenticate only: for endpoints that never reach an upstream. */
  light: (ex: Exchange) => Promise<void>;
}

export function buildPipelines(stages: PipelineStages): Pipelines {
  return {
    full: compose(
      STAGE_ORDER.map((name) => (name === 'decode' ? (stages.decode ?? decode) : named(name, stages[name]))),
    ),
    light: compose([stages.record, stages.authenticate, stages.decode ?? decode]),
  };
}

/** Runs the exchange's body decoder, if it has one. */
export const decode: Stage = async function decode(ex, next) {
  if (ex.decode) {
    ex.request = ex.decode();
    ex.decode = undefined;
  }
  return next();
};

function named(name: string, stage: Stage): Stage {
  if (typeof stage !== 'function') throw new TypeError(`pipeline stage "${name}" is missing`);
  return stage;
}
