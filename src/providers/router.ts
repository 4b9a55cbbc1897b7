/**
 * Model routing: a public model name → the ordered targets to try. Entries sharing a public name form a
 * weighted group, shuffled by weight per request so load spreads in proportion; the group's fallbacks
 * follow in config order. Region rules remove targets the data may not go to. The groups are built once,
 * when the router is created, so planning a request is a map lookup and a shuffle of a few entries.
 */
import type { Config } from '../config/schema.js';
import { PortcullisError } from '../core/errors.js';
import type { Principal, RoutePlan, Target } from '../core/exchange.js';

export type ModelKind = 'chat' | 'embeddings';

export interface Router {
  plan(model: string, kind: ModelKind, allowedRegions?: readonly string[], random?: () => number): RoutePlan;
}

interface Group {
  entries: Target[];
  /** Fallback steps in order: a public name (expanded to its group) or a direct target. */
  fallbacks: Array<string | Target>;
}

/** Client-supplied names are echoed in errors; a hostile name is cut short. */
function shown(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

/**
 * Weighted random order without replacement: each pick takes an entry with probability proportional to
 * its weight among those left.
 */
export function weightedOrder<T extends { weight: number }>(items: readonly T[], random: () => number): T[] {
  if (items.length <= 1) return [...items];
  const left = [...items];
  const out: T[] = [];
  while (left.length > 0) {
    let total = 0;
    for (const t of left) total += t.weight;
    let r = random() * total;
    let pick = left.length - 1;
    for (let i = 0; i < left.length; i++) {
      r -= left[i]!.weight;
      if (r < 0) {
        pick = i;
        break;
      }
    }
    out.push(left[pick]!);
    left.splice(pick, 1);
  }
  return out;
}

export function createRouter(config: Config): Router {
  const providerRegion = new Map(config.providers.map((p) => [p.name, p.region]));
  const groups = new Map<string, Group>();
  const kinds = new Map<string, ModelKind>();
  for (const m of config.models) {
    const key = `${m.kind}\u0000${m.name}`;
    kinds.set(m.name, m.kind);
    let g = groups.get(key);
    if (!g) {
      g = { entries: [], fallbacks: [] };
      groups.set(key, g);
    }
    g.entries.push({
      provider: m.provider,
      upstreamModel: m.model,
      region: m.region ?? providerRegion.get(m.provider) ?? '',
      weight: m.weight,
    });
    for (const f of m.fallbacks) {
      g.fallbacks.push(
        typeof f === 'string'
          ? f
          : {
              provider: f.provider,
              upstreamModel: f.model,
              region: providerRegion.get(f.provider) ?? '',
              weight: f.weight ?? 1,
            },
      );
    }
  }
  const first = config.providers[0];

  function candidates(model: string, kind: ModelKind, random: () => number): Target[] {
    if (config.models.length === 0) {
      if (!first) throw new PortcullisError('PCX_MODEL_NOT_FOUND', 'no provider is configured');
      return [{ provider: first.name, upstreamModel: model, region: first.region, weight: 1 }];
    }
    const g = groups.get(`${kind}\u0000${model}`);
    if (!g) {
      const other = kinds.get(model);
      const why = other === undefined ? 'does not exist' : `is a ${other} model, not a ${kind} model`;
      throw new PortcullisError('PCX_MODEL_NOT_FOUND', `model ${shown(model)} ${why}`, { param: 'model' });
    }
    const out = weightedOrder(g.entries, random);
    for (const f of g.fallbacks) {
      if (typeof f !== 'string') out.push(f);
      else {
        // Only one level: a fallback's own fallbacks are not followed, so cycles in the config are harmless.
        const fg = groups.get(`${kind}\u0000${f}`);
        if (fg) out.push(...weightedOrder(fg.entries, random));
      }
    }
    const seen = new Set<string>();
    return out.filter((t) => {
      const id = `${t.provider}\u0000${t.upstreamModel}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  return {
    plan(model, kind, allowedRegions, random = Math.random) {
      const all = candidates(model, kind, random);
      if (allowedRegions === undefined) return { model, targets: all };
      const targets = all.filter((t) => allowedRegions.includes(t.region));
      if (targets.length === 0) {
        const available = [...new Set(all.map((t) => t.region))].join(', ');
        throw new PortcullisError(
          'PCX_REGION_NOT_ALLOWED',
          `model ${shown(model)} is served only in region(s) ${available}; this request may go only to ${allowedRegions.join(', ') || 'no region'}`,
          { details: { allowedRegions: [...allowedRegions] } },
        );
      }
      return { model, targets };
    },
  };
}

/** `GET /v1/models` in the OpenAI list shape: the configured public names this key may use. */
export function listModels(
  config: Config,
  principal: Pick<Principal, 'models'> | undefined,
): { object: 'list'; data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> } {
  const allowed = principal?.models ?? null;
  const seen = new Set<string>();
  const data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> = [];
  for (const m of config.models) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    if (allowed !== null && !allowed.includes(m.name)) continue;
    data.push({ id: m.name, object: 'model', created: 0, owned_by: 'portcullis' });
  }
  return { object: 'list', data };
}
