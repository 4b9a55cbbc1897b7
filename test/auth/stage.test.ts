import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticateStage, extractApiKey } from '../../src/auth/stage.js';
import { KeyVerifier } from '../../src/auth/verifier.js';
import type { ChatRequest } from '../../src/core/chat.js';
import { PortcullisError } from '../../src/core/errors.js';
import { createExchange, type Exchange } from '../../src/core/exchange.js';
import type { Store } from '../../src/store/db.js';
import { createKey } from '../../src/store/keys.js';
import { createTenant } from '../../src/store/tenants.js';
import { backends, SLOW_HOOK_MS } from '../store/backends.js';

function exchange(headers: Record<string, string | string[]>, model?: string): Exchange {
  const chat: ChatRequest | undefined = model
    ? { model, system: [], messages: [], stream: false, extra: {}, extraDialect: 'openai' }
    : undefined;
  return createExchange({
    id: 'req_1',
    dialect: 'openai',
    endpoint: chat ? 'chat' : 'models',
    client: { ip: '127.0.0.1', userAgent: undefined, headers },
    signal: new AbortController().signal,
    request: chat ? { kind: 'chat', chat } : { kind: 'none' },
  });
}

function codeOfSync(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PortcullisError);
    return (e as PortcullisError).code;
  }
  throw new Error('did not throw');
}

describe('extractApiKey', () => {
  const key = `pcs_${'k'.repeat(43)}`;
  it('reads Bearer (any case) and x-api-key', () => {
    expect(extractApiKey({ authorization: `Bearer ${key}` })).toBe(key);
    expect(extractApiKey({ authorization: `bearer   ${key}  ` })).toBe(key);
    expect(extractApiKey({ 'x-api-key': key })).toBe(key);
    expect(extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': key })).toBe(key);
  });
  it('refuses missing, non-Bearer, duplicated, conflicting and oversized credentials', () => {
    expect(codeOfSync(() => extractApiKey({}))).toBe('PCX_KEY_MISSING');
    expect(codeOfSync(() => extractApiKey({ authorization: '' }))).toBe('PCX_KEY_MISSING');
    expect(codeOfSync(() => extractApiKey({ 'x-api-key': '   ' }))).toBe('PCX_KEY_MISSING');
    expect(codeOfSync(() => extractApiKey({ authorization: 'Basic dXNlcjpwYXNz' }))).toBe('PCX_KEY_INVALID');
    expect(codeOfSync(() => extractApiKey({ authorization: 'Bearer a b' }))).toBe('PCX_KEY_INVALID');
    expect(codeOfSync(() => extractApiKey({ authorization: [`Bearer ${key}`, 'Bearer other'] }))).toBe(
      'PCX_KEY_INVALID',
    );
    expect(codeOfSync(() => extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': 'pcs_other' }))).toBe(
      'PCX_KEY_INVALID',
    );
    expect(codeOfSync(() => extractApiKey({ 'x-api-key': 'x'.repeat(10_000) }))).toBe('PCX_KEY_INVALID');
  });
  it('never puts the key in a message', () => {
    try {
      extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': `pcs_${'z'.repeat(43)}` });
    } catch (e) {
      expect((e as Error).message).not.toContain('kkkk');
      expect((e as Error).message).not.toContain('zzzz');
    }
  });
});

describe('authenticate stage', () => {
  const [backend] = backends();
  let store: Store;
  let verifier: KeyVerifier;
  let limitedKey: string;
  let openKey: string;

  beforeAll(async () => {
    store = await backend!.open();
    verifier = new KeyVerifier({ db: store.db, touchIntervalMs: 0 });
    await createTenant(store.db, { id: 'acme' });
    limitedKey = (await createKey(store.db, { tenant: 'acme', models: ['small'] })).key;
    openKey = (await createKey(store.db, { tenant: 'acme' })).key;
  }, SLOW_HOOK_MS);
  afterAll(async () => {
    await verifier?.close();
    await store?.close();
    await backend!.cleanup();
  });

  async function run(ex: Exchange): Promise<{ nextCalled: boolean; error?: PortcullisError }> {
    const stage = createAuthenticateStage(verifier);
    let nextCalled = false;
    try {
      await stage(ex, async () => {
        nextCalled = true;
      });
      return { nextCalled };
    } catch (e) {
      return { nextCalled, error: e as PortcullisError };
    }
  }

  it('sets the principal and continues', async () => {
    const ex = exchange({ authorization: `Bearer ${openKey}` }, 'anything');
    const r = await run(ex);
    expect(r).toEqual({ nextCalled: true });
    expect(ex.principal?.tenant).toBe('acme');
    expect(ex.principal?.models).toBeNull();
  });

  it('lets a model-limited key use its models only', async () => {
    const ok = exchange({ 'x-api-key': limitedKey }, 'small');
    expect((await run(ok)).nextCalled).toBe(true);
    expect(ok.principal?.models).toEqual(['small']);
    const denied = await run(exchange({ 'x-api-key': limitedKey }, 'large'));
    expect(denied.nextCalled).toBe(false);
    expect(denied.error?.code).toBe('PCX_MODEL_NOT_ALLOWED');
    expect(denied.error?.status).toBe(403);
    // Endpoints without a model (e.g. /v1/models) pass; listing is filtered elsewhere.
    expect((await run(exchange({ 'x-api-key': limitedKey }))).nextCalled).toBe(true);
  });

  it('ends the exchange with 401 codes for missing and bad keys', async () => {
    const missing = await run(exchange({}, 'small'));
    expect(missing.error?.code).toBe('PCX_KEY_MISSING');
    expect(missing.error?.status).toBe(401);
    const bad = await run(exchange({ authorization: `Bearer pcs_${'0'.repeat(43)}` }, 'small'));
    expect(bad.error?.code).toBe('PCX_KEY_INVALID');
    expect(bad.nextCalled).toBe(false);
  });
});
