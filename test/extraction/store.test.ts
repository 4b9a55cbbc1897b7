import { afterAll, describe, expect, it } from 'vitest';
import { extractionSchema } from '../../src/config/extraction.js';
import { createExchange } from '../../src/core/exchange.js';
import { bodyToChatRequest } from '../../src/extraction/convert.js';
import { createExtractionDefence } from '../../src/extraction/defence.js';
import {
  accountStatesSince,
  decisionsOf,
  profilesOf,
  saveProfiles,
  setAccountState,
} from '../../src/store/extraction.js';
import { backends } from '../store/backends.js';
import { harvestLine } from './helpers.js';

function harvestExchange(i: number, tenant: string) {
  const ex = createExchange({
    id: `e${i}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip: '198.51.100.10', userAgent: 'python-httpx/0.27.2', headers: {} },
    signal: new AbortController().signal,
    request: { kind: 'chat', chat: bodyToChatRequest('/v1/chat/completions', harvestLine(i).body)! },
  });
  ex.principal = { tenant, keyId: 'k', models: null };
  ex.status = 200;
  return ex;
}

for (const backend of backends()) {
  describe(`extraction store on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    // The first PGlite open creates a cluster (initdb in WASM): slow on a busy machine.
    it('upserts profiles per node and reads them back', { timeout: 180_000 }, async () => {
      const store = await backend.open();
      try {
        await saveProfiles(store.db, [
          { account: 'a', node: 'n1', tenant: 't', profile: { v: 1, evidence: { n: 3 } }, requests: 3, score: 0.2 },
        ]);
        await saveProfiles(store.db, [
          { account: 'a', node: 'n1', tenant: 't', profile: { v: 1, evidence: { n: 5 } }, requests: 5, score: 0.4 },
        ]);
        await saveProfiles(store.db, [
          { account: 'a', node: 'n2', tenant: 't', profile: { v: 1, evidence: { n: 2 } }, requests: 2, score: 0.1 },
        ]);
        const rows = (await profilesOf(store.db, 'a')).sort((x, y) => x.node.localeCompare(y.node));
        expect(rows.map((r) => [r.node, r.requests, r.score])).toEqual([
          ['n1', 5, 0.4],
          ['n2', 2, 0.1],
        ]);
        expect(rows[0]!.profile).toEqual({ v: 1, evidence: { n: 5 } });
        await expect(
          setAccountState(store.db, { account: 'a', tenant: null, status: 'bogus' as 'allowed' }),
        ).rejects.toThrow('unknown account status');
      } finally {
        await store.close();
      }
    });

    it('shares evidence and operator judgements between two gateway processes', async () => {
      const store = await backend.open();
      const config = extractionSchema.parse({ thresholds: { block: 0.5 } });
      const a = createExtractionDefence({ config, store, node: 'gw-a' });
      const b = createExtractionDefence({ config, store, node: 'gw-b' });
      try {
        await Promise.all([a.ready, b.ready]);
        // Each process alone sees 3 harvesting requests: too few to flag.
        for (let i = 0; i < 3; i++) a.recorder(harvestExchange(i, 'spread'));
        for (let i = 3; i < 6; i++) b.recorder(harvestExchange(i, 'spread'));
        const aloneA = a.accounts.get('spread')!;
        expect(aloneA.requests).toBe(3);
        await a.sync();
        await b.sync();
        await a.sync();
        // Together they hold 6: both processes now score the account on all of them.
        expect(a.accounts.get('spread')!.score).toBeGreaterThan(aloneA.score);
        expect(b.accounts.get('spread')!.score).toBe(a.accounts.get('spread')!.score);
        await a.accounts.confirm('spread', { note: 'manual review', by: 'ops' });
        await b.sync();
        expect(b.accounts.get('spread')!.action).toBe('block');
        const states = await accountStatesSince(store.db);
        expect(states.find((s) => s.account === 'spread')).toMatchObject({
          status: 'confirmed',
          note: 'manual review',
          updatedBy: 'ops',
        });
        await b.sync();
        const decisions = await decisionsOf(store.db, 'spread');
        expect(decisions.some((d) => d.action === 'block')).toBe(true);
      } finally {
        await a.close();
        await b.close();
        await store.close();
      }
    });
  });
}
