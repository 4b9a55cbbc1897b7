import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractionSchema } from '../../../src/config/extraction.js';
import { createExtractionDefence } from '../../../src/extraction/defence.js';
import { extractFeatures } from '../../../src/extraction/features/extract.js';
import { deleteKeyStates, keyStatesSince, saveKeyStates } from '../../../src/extraction/keywatch/store.js';
import type { KeyRecord } from '../../../src/extraction/keywatch/watch.js';
import { backends, SLOW_HOOK_MS } from '../../store/backends.js';
import { APP_UA, appChat, exchange, FOREIGN_UA, foreignChat, runUntilFlagged } from './traffic.js';

const config = () =>
  extractionSchema.parse({ key_watch: { action: 'degrade', min_requests: 100 }, degrade: { max_tokens: 64 } });

function rec(id: string, flagged: boolean, requests: number): KeyRecord {
  return {
    id,
    account: 'acme',
    flagged,
    requests,
    state: { v: 1, key: 1, p: {}, c: [0, requests, 0, 0], s: {}, r: [0, 0], f: flagged, q: [0, 0] },
  };
}

/** The shape stage's treatment of one request: its max_tokens after the stage. */
async function shapedMaxTokens(
  d: ReturnType<typeof createExtractionDefence>,
  foreign: boolean,
): Promise<number | undefined> {
  const ex = foreign
    ? exchange(foreignChat(8000), '198.51.100.7', FOREIGN_UA)
    : exchange(appChat(8000), '203.0.113.5', APP_UA);
  await d.shapeStage(ex, async () => {});
  return ex.request.kind === 'chat' ? ex.request.chat.maxTokens : undefined;
}

for (const backend of backends()) {
  describe(`key watch store on ${backend.name}`, () => {
    beforeAll(() => backend.prepare(), SLOW_HOOK_MS);
    afterAll(() => backend.cleanup());

    it('upserts by key; an unflagged state never overwrites a flagged one; clear deletes', async () => {
      const store = await backend.open();
      try {
        await saveKeyStates(store.db, 'n1', [rec('acme\u001f1', false, 10), rec('acme\u001f2', false, 5)]);
        await saveKeyStates(store.db, 'n1', [rec('acme\u001f1', true, 20)]);
        // n2 has not heard of the flag yet: its newer, unflagged state must not erase it.
        await saveKeyStates(store.db, 'n2', [rec('acme\u001f1', false, 30), rec('acme\u001f2', false, 7)]);
        const rows = await keyStatesSince(store.db);
        const byId = new Map(rows.map((r) => [r.id, r]));
        expect([
          byId.get('acme\u001f1')!.flagged,
          byId.get('acme\u001f1')!.requests,
          byId.get('acme\u001f1')!.node,
        ]).toEqual([true, 20, 'n1']);
        expect([byId.get('acme\u001f2')!.requests, byId.get('acme\u001f2')!.node]).toEqual([7, 'n2']);
        expect((byId.get('acme\u001f1')!.state as { f: boolean }).f).toBe(true);
        expect((await keyStatesSince(store.db, { exceptNode: 'n2' })).map((r) => r.id)).toEqual(['acme\u001f1']);
        await deleteKeyStates(store.db, 'acme');
        expect(await keyStatesSince(store.db)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('a flagged key survives a restart: the flag, its named sub-stream and the picture come back', async () => {
      const store = await backend.open();
      try {
        const first = createExtractionDefence({ config: config(), store: { db: store.db } });
        await first.ready;
        expect(await runUntilFlagged(first, 150)).toBeGreaterThan(0);
        const before = first.accounts.get('acme')!;
        const feats = extractFeatures({
          ts: 0,
          account: 'acme',
          key: 'key_prod',
          ip: '203.0.113.5',
          request: appChat(1),
        });
        const picture = first.engine.keys!.get('acme', feats)!.picture;
        // Nothing is written per request: the state reaches the table at the next sync (here: close).
        expect(await keyStatesSince(store.db)).toEqual([]);
        await first.close();
        const rows = await keyStatesSince(store.db);
        expect(rows).toHaveLength(1);
        expect(rows[0]!.flagged).toBe(true);

        const calls: string[] = [];
        const second = createExtractionDefence({
          config: extractionSchema.parse({
            key_watch: { action: 'degrade', min_requests: 100 },
            degrade: { max_tokens: 64 },
            alert: { webhook_url: 'https://hooks.example/p' },
          }),
          store: { db: store.db },
          fetch: (async (_u: string, init: { body: string }) => {
            calls.push(init.body);
            return new Response('ok');
          }) as unknown as typeof fetch,
        });
        await second.ready;
        const after = second.accounts.get('acme')!;
        expect(after.substream).toEqual(before.substream);
        expect(after.share).toBe(before.share);
        expect(after.reasons).toContain('key_substream_shift');
        const back = second.engine.keys!.get('acme', feats)!;
        expect(back.confirmed).toBe(true);
        expect(back.picture.n).toBe(picture.n);
        expect(back.picture.toJSON()).toEqual(JSON.parse(JSON.stringify(picture.toJSON())));
        // The restarted process aims the response as before: foreign degraded, the app untouched…
        expect(await shapedMaxTokens(second, true)).toBe(64);
        expect(await shapedMaxTokens(second, false)).toBe(800);
        // …and does not alert again for a flag raised before the restart.
        expect(calls).toEqual([]);
        await second.close();
      } finally {
        await store.close();
      }
    });

    it("shares a key's flag between two gateway processes on one store", async () => {
      const store = await backend.open();
      try {
        const a = createExtractionDefence({ config: config(), store: { db: store.db }, node: 'gw-a' });
        const b = createExtractionDefence({ config: config(), store: { db: store.db }, node: 'gw-b' });
        await Promise.all([a.ready, b.ready]);
        expect(await runUntilFlagged(a, 150)).toBeGreaterThan(0);
        expect(await shapedMaxTokens(b, true)).toBe(4096);
        await a.sync();
        await b.sync();
        expect(b.accounts.get('acme')?.substream).toBeDefined();
        expect(await shapedMaxTokens(b, true)).toBe(64);
        expect(await shapedMaxTokens(b, false)).toBe(800);
        // Clearing the account on one process forgets the key's watch in the store.
        await b.accounts.clear('acme');
        expect(await keyStatesSince(store.db)).toEqual([]);
        await a.close();
        await b.close();
      } finally {
        await store.close();
      }
    });
  });
}
