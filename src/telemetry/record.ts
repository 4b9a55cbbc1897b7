import type { Exchange } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';

/** Something that wants every finished exchange: the audit log, metrics, the extraction profiles. */
export type Recorder = (ex: Exchange) => void;

/**
 * The record stage: registers the recorders to run once the answer is complete (just before its last
 * byte), whether it succeeded, failed in a later stage, or was cut short. Recorders must be fast and
 * must not throw; heavy work is theirs to batch off the request path.
 */
export function createRecordStage(recorders: readonly Recorder[]): Stage {
  const all = [...recorders];
  return async function record(ex, next) {
    for (const r of all) ex.onFinish.push(r);
    await next();
  };
}
