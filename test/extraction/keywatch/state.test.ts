import { describe, expect, it } from 'vitest';
import { extractionSchema } from '../../../src/config/extraction.js';
import { isPortcullisError } from '../../../src/core/errors.js';
import { createExtractionDefence } from '../../../src/extraction/defence.js';
import { extractFeatures } from '../../../src/extraction/features/extract.js';
import { KeyPicture, TABLE_SLOTS } from '../../../src/extraction/keywatch/picture.js';
import { KeyState, KeyWatch, WRITE_EVERY } from '../../../src/extraction/keywatch/watch.js';
import type { RequestFeatures } from '../../../src/extraction/types.js';
import { APP_UA, appChat, appIp, exchange, FOREIGN_UA, foreignChat, runUntilFlagged, send } from './traffic.js';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');

function features(i: number, distinct: boolean): RequestFeatures {
  return extractFeatures({
    ts: T0 + i * 1000,
    account: 'acme',
    key: 'key_prod',
    ip: distinct ? `${(i * 37) % 223}.${(i * 13) % 255}.${i % 255}.9` : `203.0.113.${1 + (i % 20)}`,
    userAgent: distinct ? `agent-${i}` : APP_UA,
    body: {
      model: 'm',
      messages: [
        { role: 'system', content: distinct ? `persona ${i}` : 'You are the support assistant of Acme.' },
        { role: 'user', content: `${i} `.repeat(1 + (i % 30)) },
      ],
      max_tokens: distinct ? i : 800,
      temperature: distinct ? (i % 20) / 10 : 0.3,
    },
    path: '/v1/chat/completions',
  });
}

/** Fake webhook receiver: every POST body, parsed. */
function webhook() {
  const bodies: Array<Record<string, unknown>> = [];
  const fetch = (async (_url: string, init: { body: string }) => {
    bodies.push(JSON.parse(init.body));
    return new Response('ok');
  }) as unknown as typeof globalThis.fetch;
  return { bodies, fetch };
}

describe('key state', () => {
  it("learns the key's hours and requests per hour as evidence, bounded, and restores them", () => {
    const p = new KeyPicture();
    const at = (hour: number, i: number) => ({ ...features(i, false), ts: Date.UTC(2026, 10, 2, hour, i % 60) });
    for (let i = 0; i < 30; i++) p.learn(at(9, i), p.novelty(at(9, i)), 1);
    for (let i = 0; i < 50; i++) p.learn(at(10, i), p.novelty(at(10, i)), 1);
    // One completed hour (9 h: 30 requests); 10 h is still counting.
    expect(p.usual()).toEqual({ hours: [9, 10], requests_per_hour: 30 });
    p.learn(at(11, 0), p.novelty(at(11, 0)), 1);
    // 10 h completed with 50: the average moves 5% of the way, 30 + 0.05 × 20 = 31.
    expect(p.usual()).toEqual({ hours: [9, 10, 11], requests_per_hour: 31 });
    const back = KeyPicture.from(JSON.parse(JSON.stringify(p.toJSON())));
    expect(back.usual()).toEqual(p.usual());
    expect(KeyPicture.from({ v: [1, -2, 'x'] }).usual()).toEqual({ hours: [], requests_per_hour: 0 });
  });

  it('stays bounded whatever a key sends, its sub-stream tracker included', () => {
    const st = new KeyState(1, { share: 0.05, threshold: 14, maxLlr: 8 }, 50);
    // A warm picture, then a long stream in which every request differs on every feature.
    for (let i = 0; i < 200; i++) st.observe(features(i, false));
    const sizes: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      st.observe(features(i, true));
      if (i === 1999 || i === 19_999) sizes.push(JSON.stringify(st.toJSON()).length);
    }
    for (const t of [...st.picture.tables, ...st.tracker.tables])
      expect(t.keys.length).toBeLessThanOrEqual(TABLE_SLOTS);
    expect(st.tracker.defining.length).toBeLessThanOrEqual(6);
    // 6 features × 24 slots, twice (picture and tracker): well under 8 KB, and no growth with traffic.
    expect(sizes[1]!).toBeLessThan(8192);
    expect(sizes[1]!).toBeLessThanOrEqual(sizes[0]! + 64);
  });

  it('round-trips through JSON: a flagged key restored is flagged and matches the same requests', () => {
    const w = new KeyWatch(100, { share: 0.05, threshold: 14, maxLlr: 8 }, 100);
    for (let i = 0; i < 150; i++) w.observe('acme', features(i, false));
    let flagged = false;
    for (let i = 150; i < 1000 && !flagged; i++) {
      const f =
        i % 10 === 0
          ? extractFeatures({
              ts: T0 + i * 1000,
              account: 'acme',
              key: 'key_prod',
              ip: '198.51.100.7',
              userAgent: FOREIGN_UA,
              body: foreignChatBody(i),
              path: '/v1/chat/completions',
            })
          : features(i, false);
      flagged = w.observe('acme', f).obs.flagged;
    }
    expect(flagged).toBe(true);
    const [rec] = w.takeDirty();
    expect(rec!.flagged).toBe(true);
    expect(w.takeDirty()).toEqual([]);
    const back = KeyState.from(JSON.parse(JSON.stringify(rec!.state)), w.opts, 100)!;
    const orig = w.get('acme', features(0, false))!;
    expect(back.confirmed).toBe(true);
    expect(back.picture.n).toBe(orig.picture.n);
    expect(back.tracker.defining).toEqual(orig.tracker.defining);
    const foreign = extractFeatures({
      ts: T0,
      account: 'acme',
      key: 'key_prod',
      ip: '198.51.100.9',
      userAgent: FOREIGN_UA,
      body: foreignChatBody(5000),
      path: '/v1/chat/completions',
    });
    expect(back.matchesNow(foreign)).toBe(true);
    expect(back.matchesNow(features(5000, false))).toBe(false);
    // Damaged input restores nothing, or nothing flagged.
    expect(KeyState.from(null)).toBeUndefined();
    expect(KeyState.from({ v: 2, key: 1 })).toBeUndefined();
    const noName = KeyState.from({ ...rec!.state, s: { d: [] } })!;
    expect(noName.confirmed).toBe(false);
  });

  it('periodic writes take a key only when due (flag changed or WRITE_EVERY requests learnt); shutdown takes all', () => {
    const w = new KeyWatch(100, undefined, 100);
    for (let i = 0; i < WRITE_EVERY - 1; i++) w.observe('acme', features(i, false));
    expect(w.takeDirty(false)).toEqual([]);
    w.observe('acme', features(WRITE_EVERY, false));
    expect(w.takeDirty(false).map((r) => r.requests)).toEqual([WRITE_EVERY]);
    for (let i = 0; i < 10; i++) w.observe('acme', features(200 + i, false));
    expect(w.takeDirty(false)).toEqual([]);
    // Still pending: a shutdown writes it.
    expect(w.takeDirty(true).map((r) => r.requests)).toEqual([WRITE_EVERY + 10]);
    expect(w.takeDirty(true)).toEqual([]);
    // A flag is written at the next periodic sync, however few requests since the last write.
    let flaggedAt = -1;
    for (let i = 300; i < 2000 && flaggedAt < 0; i++) {
      const f = i % 10 === 0 ? foreignFeatures(i) : features(i, false);
      if (w.observe('acme', f).obs.flagged) flaggedAt = i;
      else if (i % 7 === 0) w.takeDirty(false);
    }
    expect(flaggedAt).toBeGreaterThan(0);
    const due = w.takeDirty(false);
    expect(due.map((r) => r.flagged)).toEqual([true]);
  });

  it('when full, drops the least recently seen unflagged key, and its unwritten changes are still written', () => {
    const w = new KeyWatch(100, undefined, 100);
    // A flagged key, seen first and then idle.
    for (let i = 0; i < 150; i++) w.observe('victim', features(i, false));
    let flagged = false;
    for (let i = 150; i < 2000 && !flagged; i++)
      flagged = w.observe('victim', i % 10 === 0 ? foreignFeatures(i) : features(i, false)).obs.flagged;
    expect(flagged).toBe(true);
    w.takeDirty(true);
    // A busy key, seen second and then again and again.
    w.observe('busy', features(0, false));
    // 150 other keys arrive; the busy one keeps sending.
    for (let k = 0; k < 150; k++) {
      w.observe(`k${k}`, features(k, false));
      w.observe('busy', features(k + 1, false));
    }
    expect(w.size).toBe(100);
    expect(w.get('victim', features(0, false))?.confirmed).toBe(true);
    expect(w.get('busy', features(0, false))).toBeDefined();
    expect(w.get('k0', features(0, false))).toBeUndefined();
    // The dropped keys' states (changed since the last write) are handed to the next write.
    const written = new Set(w.takeDirty(false).map((r) => r.account));
    expect(written.has('k0')).toBe(true);
  });

  it("takes another process's flag for a key it watches, keeping its own picture", () => {
    const a = new KeyWatch(100, undefined, 100);
    const b = new KeyWatch(100, undefined, 100);
    for (let i = 0; i < 300; i++) {
      a.observe('acme', features(i, false));
      b.observe('acme', features(i, false));
    }
    const bN = b.get('acme', features(0, false))!.picture.n;
    // `a` flags; `b` has not seen the foreign requests.
    for (let i = 300; i < 1000; i++) {
      const f =
        i % 10 === 0
          ? extractFeatures({
              ts: T0 + i * 1000,
              account: 'acme',
              key: 'key_prod',
              ip: '198.51.100.7',
              userAgent: FOREIGN_UA,
              body: foreignChatBody(i),
              path: '/v1/chat/completions',
            })
          : features(i, false);
      if (a.observe('acme', f).obs.flagged) break;
    }
    const rec = a.takeDirty()[0]!;
    expect(rec.flagged).toBe(true);
    const merged = b.merge(rec.id, rec.account, JSON.parse(JSON.stringify(rec.state)));
    expect(merged?.confirmed).toBe(true);
    expect(b.get('acme', features(0, false))!.picture.n).toBe(bN);
    // A key not watched here is restored whole.
    const c = new KeyWatch(100, undefined, 100);
    expect(c.merge(rec.id, rec.account, rec.state)?.picture.n).toBe(rec.requests);
  });
});

function foreignFeatures(i: number): RequestFeatures {
  return extractFeatures({
    ts: T0 + i * 1000,
    account: 'acme',
    key: 'key_prod',
    ip: '198.51.100.7',
    userAgent: FOREIGN_UA,
    body: foreignChatBody(i),
    path: '/v1/chat/completions',
  });
}

function foreignChatBody(i: number) {
  return {
    model: 'gpt-4o',
    messages: [
      {
        role: 'user',
        content: `Solve the following task. Think step by step and show your complete reasoning. Task ${i}: ${i} * 17?`,
      },
    ],
    max_tokens: 4096,
    temperature: 1,
  };
}

describe('key watch alerts and refusals', () => {
  it('sends one alert, not two, when a key flag also raises the account verdict', async () => {
    const hook = webhook();
    const d = createExtractionDefence({
      config: extractionSchema.parse({
        key_watch: { action: 'degrade', min_requests: 100 },
        alert: { webhook_url: 'https://hooks.example/portcullis' },
      }),
      fetch: hook.fetch,
    });
    expect(d.accounts.get('acme')).toBeUndefined();
    const at = await runUntilFlagged(d, 150);
    expect(at).toBeGreaterThan(0);
    const v = d.accounts.get('acme')!;
    // The flag raised the account from allow to alert…
    expect(v.action).toBe('alert');
    // …and that was told once, as the stolen-key alert, with the escalation in it.
    await new Promise((r) => setImmediate(r));
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({
      type: 'portcullis.key.possibly_stolen',
      account: 'acme',
      key: 'key_prod',
      action: 'alert',
      previous: 'allow',
    });
    // More traffic, foreign included, sends nothing more.
    // (Degraded requests are also throttled: those refusals are expected here.)
    for (let i = 0; i < 100; i++)
      await send(d, i % 5 ? appChat(9000 + i) : foreignChat(9000 + i), appIp(i), i % 5 ? APP_UA : FOREIGN_UA).catch(
        (err) => expect(err.code).toBe('PCX_THROTTLED'),
      );
    await new Promise((r) => setImmediate(r));
    expect(hook.bodies).toHaveLength(1);
  });

  it("refuses the flagged key's sub-stream with PCX_KEY_SUBSTREAM_BLOCKED (not account_blocked); the app is served", async () => {
    const d = createExtractionDefence({
      config: extractionSchema.parse({ key_watch: { action: 'block', min_requests: 100 } }),
    });
    // Foreign requests are refused once the key is flagged, so the run stops at the flag.
    let refusal: unknown;
    try {
      expect(await runUntilFlagged(d, 150)).toBeGreaterThan(0);
      await send(d, foreignChat(7001), '198.51.100.7', FOREIGN_UA);
    } catch (err) {
      refusal = err;
    }
    expect(isPortcullisError(refusal)).toBe(true);
    const e = refusal as import('../../../src/core/errors.js').PortcullisError;
    expect(e.code).toBe('PCX_KEY_SUBSTREAM_BLOCKED');
    expect(e.status).toBe(403);
    expect(e.spec.wire).toBe('key_substream_blocked');
    expect(e.message).toMatch(/sub-stream of this API key/);
    expect(e.message).not.toMatch(/account is blocked/);
    expect(e.details).toMatchObject({ scope: 'key_substream' });
    const app = exchange(appChat(7002), '203.0.113.4', APP_UA);
    await d.shapeStage(app, async () => {});
    expect(app.decisions.map((x) => x.action)).not.toContain('block');
  });

  it('min_requests sets the warm-up: nothing is tested before it', async () => {
    const d = createExtractionDefence({ config: extractionSchema.parse({ key_watch: { min_requests: 400 } }) });
    // 150 app requests then a foreign mix: the key is still warming up, so no flag by request 200.
    for (let i = 0; i < 150; i++) await send(d, appChat(i), appIp(i), APP_UA);
    for (let i = 0; i < 200; i++)
      await send(
        d,
        i % 10 === 9 ? foreignChat(i) : appChat(150 + i),
        i % 10 === 9 ? '198.51.100.7' : appIp(i),
        i % 10 === 9 ? FOREIGN_UA : APP_UA,
      );
    expect(d.accounts.get('acme')?.substream).toBeUndefined();
    expect(d.engine.keys!.warmup).toBe(400);
  });
});
