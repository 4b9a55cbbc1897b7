import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.js';
import { type Assembled, assembleGateway } from '../../src/gateway/assemble.js';
import { createKey } from '../../src/store/keys.js';
import { createTenant } from '../../src/store/tenants.js';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/anthropic.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai.js';

export interface Harness {
  /** Gateway base URL without /v1. */
  base: string;
  key: string;
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  gw: Assembled;
  /** Issues another key (optionally limited to models) for the given tenant. */
  newKey(tenant?: string, models?: string[] | null, expiresAt?: Date | null): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real gateway on loopback in front of two fake upstreams: `gpt-test` and `claude-via-openai` on the OpenAI
 * fake, `claude-test` and `gpt-via-anthropic` on the Anthropic fake. `extra` is merged over the config.
 */
export type HarnessExtra =
  | Record<string, unknown>
  | ((urls: { openai: string; anthropic: string }) => Record<string, unknown>);

export async function startHarness(extraOrFn: HarnessExtra = {}): Promise<Harness> {
  const openai = await startFakeOpenAI();
  const anthropic = await startFakeAnthropic();
  const extra =
    typeof extraOrFn === 'function' ? extraOrFn({ openai: openai.url, anthropic: anthropic.url }) : extraOrFn;
  const dataDir = mkdtempSync(join(tmpdir(), 'pcx-gw-'));
  const config = validateConfig({
    server: { port: 0, log_level: 'silent', shutdown_grace_ms: 2000 },
    storage: { data_dir: dataDir },
    providers: [
      { name: 'fake-openai', type: 'openai', base_url: openai.url, region: 'eu', api_key: 'sk-upstream-openai-secret' },
      {
        name: 'fake-anthropic',
        type: 'anthropic',
        base_url: anthropic.url,
        region: 'us',
        api_key: 'sk-ant-upstream-secret',
      },
    ],
    models: [
      { name: 'gpt-test', provider: 'fake-openai', model: 'fake-model' },
      { name: 'claude-test', provider: 'fake-anthropic', model: 'fake-claude' },
      { name: 'gpt-via-anthropic', provider: 'fake-anthropic', model: 'fake-claude' },
      { name: 'embed-test', provider: 'fake-openai', model: 'fake-embed', kind: 'embeddings' },
    ],
    ...extra,
  });
  const gw = await assembleGateway({
    config,
    // PCX_TEST_LOG=1 shows the gateway's error log while debugging a test.
    logger: process.env.PCX_TEST_LOG ? { level: 'error', stream: process.stderr } : false,
    env: { PORTCULLIS_ADMIN_TOKEN: 'pca_test_admin_token_0123456789' },
  });
  await gw.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = gw.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;
  await createTenant(gw.store.db, { id: 'acme' }).catch(() => undefined);
  const newKey = async (tenant = 'acme', models: string[] | null = null, expiresAt: Date | null = null) => {
    await createTenant(gw.store.db, { id: tenant }).catch(() => undefined);
    return (await createKey(gw.store.db, { tenant, models, expiresAt })).key;
  };
  const key = await newKey();
  return {
    base,
    key,
    openai,
    anthropic,
    gw,
    newKey,
    async close() {
      await gw.close();
      await openai.close();
      await anthropic.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
