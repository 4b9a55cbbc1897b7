/**
 * One adapter per configured provider, built once at start. The OpenAI factory is passed in rather than
 * imported so this module does not depend on which adapters exist; Anthropic's is the default for its type.
 */
import type { ProviderConfig } from '../config/providers.js';
import type { Config } from '../config/schema.js';
import type { ProviderAdapter } from './adapter.js';
import { createAnthropicAdapter } from './anthropic/adapter.js';

export type AdapterFactory = (provider: ProviderConfig, env: NodeJS.ProcessEnv) => ProviderAdapter;

export interface AdapterFactories {
  openai: AdapterFactory;
  anthropic?: AdapterFactory;
}

export class ProviderRegistryError extends Error {
  override readonly name = 'ProviderRegistryError';
  readonly code = 'PCX_PROVIDER_UNSUPPORTED';
}

export function createProviderRegistry(
  config: Config,
  factories: AdapterFactories,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, ProviderAdapter> {
  const all: Record<ProviderConfig['type'], AdapterFactory | undefined> = {
    openai: factories.openai,
    anthropic: factories.anthropic ?? createAnthropicAdapter,
  };
  const adapters = new Map<string, ProviderAdapter>();
  for (const p of config.providers) {
    const factory = all[p.type];
    if (!factory) throw new ProviderRegistryError(`provider "${p.name}": no adapter for type "${p.type}"`);
    adapters.set(p.name, factory(p, env));
  }
  return adapters;
}

/** Closes every adapter's connection pool; one failing close does not stop the others. */
export async function closeProviderRegistry(adapters: Map<string, ProviderAdapter>): Promise<void> {
  await Promise.allSettled([...adapters.values()].map((a) => a.close()));
}
