import { request } from 'undici';
import type { Config } from '../config/schema.js';
import type { Principal } from '../core/exchange.js';

/**
 * With no `models` in the config, every model name goes to the first provider as is; `GET /v1/models`
 * then lists what that provider serves (e.g. a local Ollama's models), narrowed to the key's models.
 * Only OpenAI-compatible providers are asked; a failure yields an empty list, not an error.
 */
export async function passThroughModels(
  config: Config,
  principal: Pick<Principal, 'models'> | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ object: 'list'; data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> }> {
  const provider = config.providers[0];
  const empty = { object: 'list' as const, data: [] };
  if (provider?.type !== 'openai') return empty;
  const key = provider.api_key ?? (provider.api_key_env ? env[provider.api_key_env] : undefined);
  try {
    const res = await request(`${provider.base_url.replace(/\/+$/, '')}/models`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return empty;
    }
    const body = (await res.body.json()) as { data?: Array<{ id?: unknown }> };
    const allowed = principal?.models ?? null;
    const data = (Array.isArray(body.data) ? body.data : [])
      .map((m) => m.id)
      .filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 256)
      .filter((id) => allowed === null || allowed.includes(id))
      .map((id) => ({ id, object: 'model' as const, created: 0, owned_by: provider.name }));
    return { object: 'list', data };
  } catch {
    return empty;
  }
}
