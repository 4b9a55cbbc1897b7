/**
 * One adapter per configured provider, built once at start. Factories can be replaced (tests, or an
 * adapter wrapped with instrumentation); by default each provider type gets its own adapter.
 */
import type { ProviderConfig } from '../config/providers.js';
import type { Config } from '../config/schema.js';
import type { ProviderAdapter } from './adapter.js';
import { createAnthropicAdapter } from './anthropic/adapter.js';
import { createOpenAIAdapter } from './openai/index.js';

export type AdapterFactory = (provider: ProviderConfig, env: NodeJS.ProcessEnv) => ProviderAdapter;

export interface AdapterFactories {
  openai?: AdapterFactory;
  anthropic?: AdapterFactory;
}

export function createProviderRegistry(
  config: Config,
  factories: AdapterFactories = {},
  env: NodeJS.ProcessEnv = process.env,
): Map<string, ProviderAdapter> {
  const all: Record<ProviderConfig['type'], AdapterFactory> = {
    openai: factories.openai ?? createOpenAIAdapter,
    anthropic: factories.anthropic ?? createAnthropicAdapter,
  };
  const adapters = new Map<string, ProviderAdapter>();
  for (const p of config.providers) {
    adapters.set(p.name, all[p.type](p, env));
  }
  return adapters;
}

/** Closes every adapter's connection pool; one failing close does not stop the others. */
export async function closeProviderRegistry(adapters: Map<string, ProviderAdapter>): Promise<void> {
  await Promise.allSettled([...adapters.values()].map((a) => a.close()));
}
