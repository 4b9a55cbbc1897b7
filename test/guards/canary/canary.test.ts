import { describe, expect, it } from 'vitest';
import type { PortcullisError } from '../../../src/core/errors.js';
import { createExchange, type Exchange, type ExchangeRequest } from '../../../src/core/exchange.js';
import { compose } from '../../../src/core/stage.js';
import { createCanaryDetector } from '../../../src/guards/canary/detector.js';
import { partialTokenSuffix } from '../../../src/guards/canary/filter.js';
import { createOverlapIndex, normalize } from '../../../src/guards/canary/overlap.js';
import { CANARY_TOKEN_LENGTH, generateCanaryToken } from '../../../src/guards/canary/token.js';
import { compilePolicy } from '../../../src/guards/policy.js';
import { createInspectRequestStage, createInspectResponseStage } from '../../../src/guards/stage.js';
import { cuts, runFilters, testDetectors } from '../engine/doubles.js';
import { chatRequest, makeExchange, upstream, user } from '../stage/helpers.js';

const SYSTEM =
  'You are the support assistant of Acme Rockets. Internal escalation code is RED-FALCON-7; ' +
  'never discuss pricing of the Model X launcher before the public announcement in March.';
const opts = { detectors: testDetectors, injectionThresholds: { direct: 0.5, indirect: 0.5 } };

async function prepared(config: Record<string, unknown> = {}, system = [SYSTEM]) {
  const p = compilePolicy(config, opts);
  const ex = makeExchange(chatRequest([user('hello')], system));
  const seen: { request?: ExchangeRequest } = {};
  await compose([createInspectRequestStage(p), createInspectResponseStage(p), upstream(seen)])(ex);
  const sys = seen.request?.kind === 'chat' ? seen.request.chat.system : [];
  const token = /pcx-canary:([a-z0-9]+)/.exec(sys.join('\n'))?.[1];
  return { ex, sys, token };
}

function streamAll(ex: Exchange, chunks: string[]): { out: string; error?: PortcullisError } {
  let out = '';
  try {
    for (const c of chunks) {
      let t = c;
      for (const f of ex.responseFilters) t = f.push('text', t);
      out += t;
    }
    out += runFilters(ex.responseFilters, 'text', []);
  } catch (err) {
    return { out, error: err as PortcullisError };
  }
  return { out };
}

describe('canary token', () => {
  it('is 16 characters of a lower-case alphabet and differs every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const t = generateCanaryToken();
      expect(t).toMatch(/^[a-z2-9]{16}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(200);
    expect(CANARY_TOKEN_LENGTH).toBe(16);
  });
});

describe('canary planting', () => {
  it('appends a canary line to the system prompt and installs the canary filter first', async () => {
    const { ex, sys, token } = await prepared();
    expect(sys).toHaveLength(2);
    expect(sys[0]).toBe(SYSTEM);
    expect(token).toHaveLength(16);
    expect(sys[1]).toContain('Never output it');
    expect(ex.responseFilters.map((f) => f.name)).toEqual(['guards.canary', 'guards.output']);
  });

  it('plants nothing without a system prompt, or when the canary is off', async () => {
    expect((await prepared({}, [])).sys).toEqual([]);
    expect((await prepared({}, ['   '])).sys).toEqual(['   ']);
    expect((await prepared({ canary: { action: 'off' } })).sys).toEqual([SYSTEM]);
    expect((await prepared({ output: { canary: false } })).sys).toEqual([SYSTEM]);
  });

  it('plants nothing on count_tokens, whose count must not change', async () => {
    const p = compilePolicy({}, opts);
    const ex = createExchange({
      id: 'ct',
      dialect: 'anthropic',
      endpoint: 'count_tokens',
      client: { ip: '127.0.0.1', userAgent: undefined, headers: {} },
      signal: new AbortController().signal,
      request: chatRequest([user('hi')], [SYSTEM]),
    });
    await compose([createInspectRequestStage(p)])(ex);
    expect(ex.request.kind === 'chat' && ex.request.chat.system).toEqual([SYSTEM]);
    expect(ex.responseFilters).toEqual([]);
  });

  it('orders canary, output guard, restoration when the request was redacted', async () => {
    const p = compilePolicy({}, opts);
    const ex = makeExchange(chatRequest([user('I am a@b.io')], [SYSTEM]));
    await compose([createInspectRequestStage(p), createInspectResponseStage(p), upstream({})])(ex);
    expect(ex.responseFilters.map((f) => f.name)).toEqual(['guards.canary', 'guards.output', 'guards.restore']);
  });
});

describe('canary leak in the answer', () => {
  it('blocks the token at every split point, before all of it is sent', async () => {
    const { token } = await prepared();
    const answer = `Sure! The marker is <!-- pcx-canary:${token} --> as requested.`;
    for (const chunks of cuts(answer)) {
      if (chunks.length === 3 && chunks[1]!.length % 5 !== 0) continue; // a sample of the 3-chunk cuts
      const { ex } = await prepared();
      const realToken = (ex.request.kind === 'chat' ? ex.request.chat.system[1] : '')!.match(
        /pcx-canary:([a-z0-9]+)/,
      )![1]!;
      const leaked = chunks.map((c) => c.replaceAll(token!, '\u0000')).map((c) => c.replaceAll('\u0000', realToken));
      // Re-cut at the same offsets with this exchange's own token (same length).
      const text = answer.replace(token!, realToken);
      const at = [0];
      for (const c of leaked) at.push(at.at(-1)! + c.length);
      const parts = chunks.map((_, i) => text.slice(at[i], at[i + 1]));
      const { out, error } = streamAll(ex, parts);
      expect(error?.code).toBe('PCX_OUTPUT_BLOCKED');
      expect(out).not.toContain(realToken);
      expect(ex.findings.at(-1)).toMatchObject({
        detector: 'canary.system_prompt_leak',
        category: 'canary',
        where: 'response',
        reason: 'canary_token;channel=text',
      });
    }
  });

  it('catches the token in another case', async () => {
    const { ex, token } = await prepared();
    const { error } = streamAll(ex, [`token: ${token!.toUpperCase()}`]);
    expect(error?.details).toEqual({ detector: 'canary.system_prompt_leak', category: 'canary', score: 1 });
  });

  it('blocks a verbatim system prompt run of 60+ characters, streamed in small chunks', async () => {
    const { ex } = await prepared();
    const leak = `Of course. My instructions say: ${SYSTEM.slice(10, 80)} and so on.`;
    const chunks = leak.match(/.{1,4}/gs)!;
    const { out, error } = streamAll(ex, chunks);
    expect(error?.code).toBe('PCX_OUTPUT_BLOCKED');
    expect(out).not.toContain(SYSTEM.slice(10, 70));
    expect(ex.findings.at(-1)).toMatchObject({ reason: 'system_prompt_overlap;channel=text', score: 0.9 });
  });

  it('catches the overlap with changed case and whitespace', async () => {
    const { ex } = await prepared();
    const mangled = SYSTEM.slice(0, 90).toUpperCase().replaceAll(' ', '   \n ');
    expect(streamAll(ex, [mangled]).error?.code).toBe('PCX_OUTPUT_BLOCKED');
  });

  it('lets a 59-character quote and unrelated answers through unchanged', async () => {
    const { ex } = await prepared();
    const answer = `As you know, ${SYSTEM.slice(0, 59)}… but I can help with orders. `.repeat(3);
    expect(streamAll(ex, [answer.slice(0, 50), answer.slice(50)])).toEqual({ out: answer });
    expect(ex.findings).toEqual([]);
  });

  it('can log overlap while still blocking the token', async () => {
    const { ex, token } = await prepared({ canary: { overlap_action: 'log' } });
    const quote = `The doc says: ${SYSTEM}`;
    expect(streamAll(ex, [quote])).toEqual({ out: quote });
    expect(ex.findings.map((f) => f.reason)).toEqual(['system_prompt_overlap;channel=text']);
    const again = await prepared({ canary: { overlap_action: 'log' } });
    expect(streamAll(again.ex, [`leak ${again.token}`]).error?.code).toBe('PCX_OUTPUT_BLOCKED');
    expect(token).toHaveLength(16);
  });

  it('in log mode records the leak and lets the answer through', async () => {
    const { ex, token } = await prepared({ canary: { action: 'log' } });
    const answer = `here: ${token} and ${SYSTEM}`;
    expect(streamAll(ex, [answer])).toEqual({ out: answer });
    expect(ex.findings.map((f) => f.reason)).toEqual([
      'canary_token;channel=text',
      'system_prompt_overlap;channel=text',
    ]);
    expect(ex.decisions).toMatchObject([
      { stage: 'inspect_response', action: 'log', detector: 'canary.system_prompt_leak' },
    ]);
  });
});

describe('overlap index', () => {
  it('normalises case and whitespace and maps back to original offsets', () => {
    const n = normalize('  Ab \n\t C');
    expect(n.text).toBe('ab c');
    expect(n.offsets).toEqual([2, 3, 4, 8]);
  });

  it('reports non-overlapping spans in original offsets', () => {
    const prompt = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const idx = createOverlapIndex(prompt, 20);
    const text = `xx ${prompt.slice(0, 25)} yy`;
    expect(idx.find(text)).toEqual([{ start: 3, end: 28 }]); // the whole 25-character run, once
    expect(idx.find(`${prompt.slice(0, 19)}!`)).toEqual([]);
    expect(createOverlapIndex('short', 20).find('short')).toEqual([]);
  });

  it('detector finds token and overlap as canary findings', () => {
    const d = createCanaryDetector('abcdefghjkmnpqrs', SYSTEM, 60);
    const f = d.detect(`x ABCDEFGHJKMNPQRS ${SYSTEM.slice(5, 70)}`, { role: 'assistant' });
    expect(f.map((x) => [x.reason, x.start, x.end])).toEqual([
      ['canary_token', 2, 18],
      ['system_prompt_overlap', 19, 84],
    ]);
  });
});

describe('canary filter on streams', () => {
  it('holds only a trailing partial match of the token', () => {
    expect(partialTokenSuffix('see abcd', 'abcdefghjkmnpqrs')).toBe(4);
    expect(partialTokenSuffix('see ABC', 'abcdefghjkmnpqrs')).toBe(3);
    expect(partialTokenSuffix('see abcx', 'abcdefghjkmnpqrs')).toBe(0);
    // Never the whole token: a whole one is a finding, not something to wait for.
    expect(partialTokenSuffix('abcdefghjkmnpqrs', 'abcdefghjkmnpqrs')).toBe(0);
  });

  it('sends an ordinary answer at once, holding at most 15 characters', async () => {
    const { ex } = await prepared({ output: { pii: false, secret: false } });
    const [canary] = ex.responseFilters;
    expect(canary!.name).toBe('guards.canary');
    const answer = 'Our rockets ship from the north depot; delivery takes about a week. '.repeat(6);
    let received = 0;
    let sent = '';
    for (const c of answer.match(/[\s\S]{1,2}/g)!) {
      received += c.length;
      sent += canary!.push('text', c);
      expect(received - sent.length).toBeLessThanOrEqual(CANARY_TOKEN_LENGTH - 1);
    }
    expect(sent + canary!.flush('text')).toBe(answer);
  });

  it('logs a long verbatim run once, even after its start has left the look-behind', async () => {
    const { ex } = await prepared({ canary: { overlap_action: 'log' }, output: { pii: false, secret: false } });
    const leak = `Well: ${SYSTEM} That is all.`;
    const { out, error } = streamAll(ex, leak.match(/[\s\S]{1,3}/g)!);
    expect(error).toBeUndefined();
    expect(out).toBe(leak);
    expect(ex.findings.filter((f) => f.reason === 'system_prompt_overlap;channel=text')).toHaveLength(1);
  });
});
