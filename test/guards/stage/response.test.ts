import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../../src/core/errors.js';
import type { Exchange, ExchangeRequest } from '../../../src/core/exchange.js';
import { compose } from '../../../src/core/stage.js';
import { compilePolicy } from '../../../src/guards/policy.js';
import { createInspectRequestStage, createInspectResponseStage } from '../../../src/guards/stage.js';
import { cuts, emailDetector, runFilters, testDetectors } from '../engine/doubles.js';
import { chatRequest, makeExchange, upstream, user } from './helpers.js';

const KEY = 'sk-ABCDEFGHIJKLMNOPQRSTUVWX';
const opts = { detectors: testDetectors, injectionThresholds: { direct: 0.5, indirect: 0.5 } };

async function prepared(config: Record<string, unknown>, request: ExchangeRequest): Promise<Exchange> {
  const p = compilePolicy({ canary: { action: 'off' }, ...config }, opts);
  const ex = makeExchange(request);
  await compose([createInspectRequestStage(p), createInspectResponseStage(p), upstream({})])(ex);
  return ex;
}

function caught(fn: () => void): PortcullisError | undefined {
  try {
    fn();
  } catch (err) {
    return err as PortcullisError;
  }
  return undefined;
}

describe('output guards', () => {
  it('masks a secret in the answer and records it as a response finding', async () => {
    const ex = await prepared({}, chatRequest([user('hi')]));
    expect(ex.responseFilters.map((f) => f.name)).toEqual(['guards.output']);
    expect(runFilters(ex.responseFilters, 'text', [`Your key is ${KEY}.`])).toBe(
      'Your key is [REDACTED:secret.openai_api_key].',
    );
    expect(ex.findings).toEqual([
      {
        detector: 'secret.openai_api_key',
        category: 'secret',
        score: 0.99,
        start: 12,
        end: 39,
        where: 'response',
        reason: 'channel=text',
      },
    ]);
    expect(ex.responseHeaders['x-portcullis-findings']).toBe('secret.openai_api_key=1');
    expect(ex.decisions).toEqual([
      {
        stage: 'inspect_response',
        action: 'redact',
        detector: 'secret.openai_api_key',
        score: 0.99,
        reasons: ['1 secret finding', 'in response'],
      },
    ]);
  });

  it('catches a secret split across chunks at every cut, with a small hold window', async () => {
    const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(2);
    const answer = `${filler}token ${KEY} and mail to eve@evil.example, ok.${filler}`;
    const expected = `${filler}token [REDACTED:secret.openai_api_key] and mail to [REDACTED:pii.email], ok.${filler}`;
    let n = 0;
    for (const chunks of cuts(answer)) {
      if (n++ % 7 !== 0) continue; // every 7th cut of ~22k keeps the test quick; 2-cuts are all included below
      const ex = await prepared({ output: { hold_chars: 32 } }, chatRequest([user('hi')]));
      const out = runFilters(ex.responseFilters, 'text', chunks);
      if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
      expect(ex.findings.map((f) => f.detector)).toEqual(['secret.openai_api_key', 'pii.email']);
    }
    for (let i = 0; i <= answer.length; i++) {
      const ex = await prepared({ output: { hold_chars: 32 } }, chatRequest([user('hi')]));
      expect(runFilters(ex.responseFilters, 'text', [answer.slice(0, i), answer.slice(i)])).toBe(expected);
    }
  });

  it('works on many tiny chunks and emits text before the end of a long answer', async () => {
    const ex = await prepared({ output: { hold_chars: 32 } }, chatRequest([user('hi')]));
    const [filter] = ex.responseFilters;
    const answer = `${'a'.repeat(100)} ${KEY} ${'b'.repeat(100)}`;
    let streamed = '';
    for (const ch of answer) {
      streamed += filter!.push('text', ch);
      // Never more than hold + one detection step behind what was received.
      expect(answer.length).toBeGreaterThanOrEqual(streamed.length);
    }
    expect(streamed.length).toBeGreaterThan(100);
    expect(streamed).not.toContain('sk-');
    expect(streamed + filter!.flush('text')).toBe(
      `${'a'.repeat(100)} [REDACTED:secret.openai_api_key] ${'b'.repeat(100)}`,
    );
  });

  it('blocks with PCX_OUTPUT_BLOCKED before any of the secret leaves', async () => {
    const ex = await prepared({ secret: { action: 'block' }, output: { hold_chars: 32 } }, chatRequest([user('hi')]));
    const [filter] = ex.responseFilters;
    const answer = `${'Here you go. '.repeat(10)}${KEY} more text after the key ${'z'.repeat(80)}`;
    let sent = '';
    const err = caught(() => {
      for (let i = 0; i < answer.length; i += 3) sent += filter!.push('text', answer.slice(i, i + 3));
      sent += filter!.flush('text');
    });
    expect(err).toBeInstanceOf(PortcullisError);
    expect(err!.code).toBe('PCX_OUTPUT_BLOCKED');
    expect(err!.details).toEqual({ detector: 'secret.openai_api_key', category: 'secret', score: 0.99 });
    expect(err!.message).not.toContain(KEY);
    expect(sent).not.toContain('sk-');
    expect(ex.findings.at(-1)).toMatchObject({ where: 'response', detector: 'secret.openai_api_key' });
  });

  it("does not flag the user's own redacted values, restores them after the output guard", async () => {
    const ex = await prepared({}, chatRequest([user('I am jane@example.com')]));
    expect(ex.responseFilters.map((f) => f.name)).toEqual(['guards.output', 'guards.restore']);
    const out = runFilters(ex.responseFilters, 'text', ['Hello [EMAIL_1], contact ', 'mallory@evil.example.']);
    expect(out).toBe('Hello jane@example.com, contact [REDACTED:pii.email].');
    expect(ex.findings.filter((f) => f.where === 'response').map((f) => f.detector)).toEqual(['pii.email']);
    expect(ex.responseHeaders['x-portcullis-findings']).toBe('pii.email=2');
  });

  it('guards tool-call arguments and reasoning channels too', async () => {
    const ex = await prepared({}, chatRequest([user('hi')]));
    const args = runFilters(ex.responseFilters, 'tool:0', [`{"key":"${KEY.slice(0, 10)}`, `${KEY.slice(10)}"}`]);
    expect(JSON.parse(args)).toEqual({ key: '[REDACTED:secret.openai_api_key]' });
    expect(runFilters(ex.responseFilters, 'reasoning', [`I see ${KEY}`])).toBe(
      'I see [REDACTED:secret.openai_api_key]',
    );
  });

  it('respects output switches, allow-lists and log actions', async () => {
    const noPii = await prepared({ output: { pii: false } }, chatRequest([user('hi')]));
    expect(runFilters(noPii.responseFilters, 'text', [`a@b.io ${KEY}`])).toBe(
      'a@b.io [REDACTED:secret.openai_api_key]',
    );
    const allowed = await prepared({ allow: { patterns: ['@acme\\.example$'] } }, chatRequest([user('hi')]));
    expect(runFilters(allowed.responseFilters, 'text', ['mail help@acme.example'])).toBe('mail help@acme.example');
    const logged = await prepared({ pii: { action: 'log' } }, chatRequest([user('hi')]));
    expect(runFilters(logged.responseFilters, 'text', ['mail a@b.io'])).toBe('mail a@b.io');
    expect(logged.findings).toMatchObject([{ detector: 'pii.email', where: 'response' }]);
    const none = await prepared({ output: { pii: false, secret: false } }, chatRequest([user('hi')]));
    expect(none.responseFilters).toEqual([]);
  });

  it('adds no output filter for embeddings or JSON results', async () => {
    const ex = await prepared({}, { kind: 'embeddings', embeddings: { model: 'e', input: ['x'], extra: {} } });
    expect(ex.responseFilters).toEqual([]);
    const p = compilePolicy({}, { detectors: [emailDetector] });
    const json = makeExchange(chatRequest([user('hi')]));
    await compose([
      createInspectResponseStage(p),
      async (e) => {
        e.result = { kind: 'json', status: 200, body: {} };
      },
    ])(json);
    expect(json.responseFilters).toEqual([]);
  });
});

describe('long answers', () => {
  it('masks every one of 1,000 addresses but records at most 256 findings; header and decision count all', async () => {
    const ex = await prepared({}, chatRequest([user('I am a@b.io')]));
    const answer = Array.from({ length: 1000 }, (_, i) => `user${i}@corp.example`).join(', ');
    const out = runFilters(ex.responseFilters, 'text', answer.match(/[\s\S]{1,7}/g)!);
    expect(out).toBe(Array.from({ length: 1000 }, () => '[REDACTED:pii.email]').join(', '));
    // One request finding (the user's address) plus 256 from the answer.
    expect(ex.findings).toHaveLength(257);
    expect(ex.responseHeaders['x-portcullis-findings']).toBe('pii.email=1001');
    expect(ex.decisions.find((d) => d.stage === 'inspect_response')!.reasons[0]).toBe('1000 pii findings');
  });
});
