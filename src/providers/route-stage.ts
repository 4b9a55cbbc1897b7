/**
 * The route stage: checks the key may use the requested model, then asks the router where it may go.
 * Authorization comes first so a key learns nothing (regions, fallbacks) about models it may not use.
 */
import { PortcullisError } from '../core/errors.js';
import type { Stage } from '../core/stage.js';
import type { ModelKind, Router } from './router.js';

export function createRouteStage(router: Router, random?: () => number): Stage {
  return async function route(ex, next) {
    let model: string;
    let kind: ModelKind;
    if (ex.request.kind === 'chat') {
      model = ex.request.chat.model;
      kind = 'chat';
    } else if (ex.request.kind === 'embeddings') {
      model = ex.request.embeddings.model;
      kind = 'embeddings';
    } else {
      return next();
    }
    const allowed = ex.principal?.models;
    if (allowed && !allowed.includes(model)) {
      const shown = JSON.stringify(model.length > 200 ? `${model.slice(0, 200)}…` : model);
      throw new PortcullisError('PCX_MODEL_NOT_ALLOWED', `this API key may not use model ${shown}`, { param: 'model' });
    }
    ex.route = router.plan(model, kind, ex.allowedRegions, random);
    return next();
  };
}
