import type { ResidencyConfig } from '../config/limits.js';
import { PortcullisError } from '../core/errors.js';

export interface ResidencyInput {
  tenant: string;
  keyId: string;
  /** The data-origin header's value, if the client sent one (attacker-controlled). */
  origin: string | undefined;
}

/**
 * The regions a request's data may go to: the intersection of every rule that applies (the tenant's, the
 * key's, and the data origin's), so the strictest regime wins when regimes conflict. `undefined` means no
 * rule applies. An empty intersection is refused here, naming the rules, rather than at routing time.
 */
export function allowedRegions(cfg: ResidencyConfig, input: ResidencyInput): string[] | undefined {
  const sets: Array<{ rule: string; regions: readonly string[] }> = [];
  const tenant = cfg.tenants[input.tenant];
  if (tenant) sets.push({ rule: `tenant ${input.tenant}`, regions: tenant });
  const key = cfg.keys[input.keyId];
  if (key) sets.push({ rule: `key ${input.keyId}`, regions: key });
  if (input.origin !== undefined) {
    const origin = input.origin.trim().toLowerCase();
    const regions = Object.hasOwn(cfg.origins, origin) ? cfg.origins[origin] : undefined;
    if (!regions) {
      const known = Object.keys(cfg.origins);
      throw new PortcullisError(
        'PCX_REGION_NOT_ALLOWED',
        `data origin ${JSON.stringify(origin.slice(0, 64))} has no residency rule; known origins: ${known.join(', ') || 'none'}`,
        { param: cfg.origin_header },
      );
    }
    sets.push({ rule: `data origin ${origin}`, regions });
  }
  if (sets.length === 0) return undefined;
  let result = [...sets[0]!.regions];
  for (const s of sets.slice(1)) result = result.filter((r) => s.regions.includes(r));
  if (result.length === 0) {
    throw new PortcullisError(
      'PCX_REGION_NOT_ALLOWED',
      `no region satisfies every residency rule: ${sets.map((s) => `${s.rule} → ${s.regions.join('|')}`).join('; ')}`,
    );
  }
  return result;
}
