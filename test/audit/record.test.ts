import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { kekFromBytes, newDataKey, sealContent } from '../../src/audit/crypto.js';
import { contentOf, encodeExchangeEntry, exchangeEntry, subjectOf } from '../../src/audit/record.js';
import { makeExchange } from './helpers.js';

describe('exchange entries', () => {
  it('the fast encoding is the canonical encoding, with and without content and errors', () => {
    const plain = exchangeEntry(makeExchange(1), 0);
    expect(encodeExchangeEntry(plain)).toBe(canonicalJson(plain));
    const ex = makeExchange(2, {
      findings: [
        {
          detector: 'secret.aws',
          category: 'secret',
          score: 1,
          start: 0,
          end: 20,
          where: 'request',
          reason: 'checksum',
        },
      ],
    });
    ex.error = { code: 'PCX_CONTENT_BLOCKED', status: 400, message: 'blocked' };
    ex.decisions.push({ stage: 'guards', action: 'block', detector: 'secret.aws', score: 1, reasons: ['aws key'] });
    const e = exchangeEntry(ex, 0);
    e.content = sealContent(newDataKey(kekFromBytes(Buffer.alloc(32, 3)), 'acme', null, 0).key, e.request_id, 'x');
    expect(encodeExchangeEntry(e)).toBe(canonicalJson(e));
    expect(e.error_code).toBe('PCX_CONTENT_BLOCKED');
  });

  it('never carries the API key or matched values, and bounds hostile sizes', () => {
    const ex = makeExchange(3);
    (ex.client.headers as Record<string, string>).authorization = 'Bearer pcs_supersecretkeyvalue';
    for (let i = 0; i < 1000; i++)
      ex.findings.push({ detector: 'pii.email', category: 'pii', score: 0.5, reason: 'r'.repeat(10_000) });
    const json = encodeExchangeEntry(exchangeEntry(ex, 0));
    expect(json).not.toContain('pcs_');
    expect(json).toContain('"key_id":"key_abc123"');
    const e = exchangeEntry(ex, 0);
    expect(e.findings).toHaveLength(200);
    expect(e.findings[0]!.reason).toHaveLength(200);
  });

  it('finds the subject in the configured header, else in the request’s user field', () => {
    expect(subjectOf(makeExchange(1, { subject: ' alice ' }), 'x-portcullis-subject')).toBe('alice');
    const ex = makeExchange(1);
    if (ex.request.kind === 'chat') ex.request.chat.user = 'u-42';
    expect(subjectOf(ex, 'x-portcullis-subject')).toBe('u-42');
    expect(subjectOf(makeExchange(1), 'x-portcullis-subject')).toBeUndefined();
  });

  it('content follows the mode', () => {
    const ex = makeExchange(1, { prompt: 'p', answer: 'a' });
    expect(contentOf(ex, 'none')).toBeUndefined();
    expect(JSON.parse(contentOf(ex, 'prompt')!)).toEqual({
      prompt: { system: ['be brief'], messages: [{ role: 'user', text: 'p' }] },
    });
    expect(JSON.parse(contentOf(ex, 'full')!).answer.text).toBe('a');
    ex.result = undefined;
    expect(JSON.parse(contentOf(ex, 'full', 'streamed answer')!).answer).toEqual({ text: 'streamed answer' });
  });
});
