import type { Exchange } from '../core/exchange.js';
import type { Stage } from '../core/stage.js';

/** Something that wants every finished exchange: the audit log, metrics, the extraction profiles. */
export type Recorder = (ex: Exchange) => void;

export interface RecordStageOptions {
  /**
   * Recorders that need not hold up the answer (metrics, extraction profiles): they run right after the
   * last byte is handed to the socket, in the same turn of the event loop's check phase, so the next
   * request of a client that waited for this answer still sees their effect.
   */
  afterAnswer?: readonly Recorder[];
  /** Where a throwing `afterAnswer` recorder is reported (the others still run). */
  report?: (err: unknown) => void;
}

/**
 * The record stage: registers the recorders to run once the answer is complete (just before its last
 * byte), whether it succeeded, failed in a later stage, or was cut short. Recorders must be fast and
 * must not throw; heavy work is theirs to batch off the request path. `recorders` (the audit log) run
 * before the caller has the whole answer, so nothing is answered that is not on record; `afterAnswer`
 * ones run just after.
 */
export function createRecordStage(recorders: readonly Recorder[], opts: RecordStageOptions = {}): Stage {
  const all = [...recorders];
  const after = [...(opts.afterAnswer ?? [])];
  const report = opts.report ?? (() => undefined);
  const deferred: Recorder = (ex) => {
    setImmediate(() => {
      for (const r of after) {
        try {
          r(ex);
        } catch (err) {
          report(err);
        }
      }
    });
  };
  return async function record(ex, next) {
    for (const r of all) ex.onFinish.push(r);
    if (after.length > 0) ex.onFinish.push(deferred);
    await next();
  };
}
