import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../../../src/core/errors.js';
import type { Finding } from '../../../src/core/findings.js';
import { createOutputGuardFilter, SPACED_HOLD_CHARS, spacedValueToken } from '../../../src/guards/output-guard.js';
import { compilePolicy } from '../../../src/guards/policy.js';
import { DecisionTally, responseReporter } from '../../../src/guards/report.js';
import { RESPONSE_STAGE } from '../../../src/guards/stage.js';
import { runFilters } from '../engine/doubles.js';
import { chatRequest, makeExchange, user } from './helpers.js';

// The output guard with the real PII and secret detectors (the registry), as the gateway builds it.
const redacting = compilePolicy({ canary: { action: 'off' } }).base;
const blocking = compilePolicy({ canary: { action: 'off' }, secret: { action: 'block' } }).base;

const KEY = 'sk-proj-T3BlbkFJx7Qm2Rk9Wz4Lp8Nv5Hc1Ys6Ud0Ga3Ej7Kb2Mf9Xq4Zt8Vw1Pn5Rs6Cy0';
const EMAIL = 'alice.martin@example.org';
const CARD = '4539 1488 0343 6467'; // Luhn-valid Visa number, printed in groups
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  'LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

interface Case {
  name: string;
  value: string;
  before: string;
  after: string;
  detector: string;
}

const CASES: Case[] = [
  {
    name: 'a secret',
    value: KEY,
    before: 'Your new key is ',
    after: ' so keep it safe.',
    detector: 'secret.openai_api_key',
  },
  { name: 'an email', value: EMAIL, before: 'Write to ', after: ' today, she is waiting.', detector: 'pii.email' },
  {
    name: 'a spaced card',
    value: CARD,
    before: 'Charge the card ',
    after: ' tomorrow please.',
    detector: 'pii.credit_card',
  },
  {
    name: 'a person name',
    value: 'Sophie Lang',
    before: 'Please follow up with ',
    after: ' about the invoice tomorrow.',
    detector: 'pii.person_name',
  },
  {
    name: 'an address with a leading street word',
    value: 'Via Franscini 71',
    before: 'The parcel goes to ',
    after: ' in the morning.',
    detector: 'pii.street_address',
  },
  {
    name: 'a PEM block',
    value: PEM,
    before: 'Here it is:\n',
    after: '\nKeep it safe.',
    detector: 'secret.private_key',
  },
];

function guard(policy = redacting, reported: Array<Pick<Finding, 'detector' | 'start' | 'end'>> = []) {
  return createOutputGuardFilter(
    policy,
    (f) => void reported.push({ detector: f.detector, start: f.start, end: f.end }),
  )!;
}

function twoCharChunks(text: string): string[] {
  return text.match(/[\s\S]{1,2}/g) ?? [];
}

describe('output guard on streams, real detectors', () => {
  for (const c of CASES) {
    it(`masks ${c.name} split at every position before any of it is sent`, () => {
      const answer = c.before + c.value + c.after;
      const expected = `${c.before}[REDACTED:${c.detector}]${c.after}`;
      const finding = { detector: c.detector, start: c.before.length, end: c.before.length + c.value.length };
      const splits: string[][] = [twoCharChunks(answer), [answer]];
      for (let i = 0; i <= answer.length; i++) splits.push([answer.slice(0, i), answer.slice(i)]);
      // A sample of the three-piece cuts around the value.
      for (let i = c.before.length - 3; i <= c.before.length + c.value.length; i += 5) {
        for (let j = i; j <= answer.length; j += 7)
          splits.push([answer.slice(0, i), answer.slice(i, j), answer.slice(j)]);
      }
      for (const chunks of splits) {
        const reported: Array<Pick<Finding, 'detector' | 'start' | 'end'>> = [];
        // Sent text only grows, so an exact final text means no part of the value ever left.
        const out = runFilters([guard(redacting, reported)], 'text', chunks);
        if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
        expect(reported).toEqual([finding]);
      }
    });
  }

  it('blocks a PEM block fed two characters at a time before its first line leaves', () => {
    const ex = makeExchange(chatRequest([user('hi')]));
    // The gateway's reporter: it records the finding and throws PCX_OUTPUT_BLOCKED on `block`.
    const f = createOutputGuardFilter(blocking, responseReporter(ex, new DecisionTally(ex, RESPONSE_STAGE)))!;
    let sent = '';
    let error: unknown;
    try {
      for (const c of twoCharChunks(`Here it is:\n${PEM}\nKeep it safe.`)) sent += f.push('text', c);
      sent += f.flush('text');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe('PCX_OUTPUT_BLOCKED');
    expect(sent).toBe('Here it is:\n');
    expect(ex.findings).toMatchObject([{ detector: 'secret.private_key', where: 'response', start: 12 }]);
  });

  it('sends ordinary prose word by word, holding at most the spaced bound plus the word being written', () => {
    const prose =
      'Sure! Here is a short summary of the report you asked for. The team shipped the new release on time, ' +
      'fixed most of the open bugs and started planning the next quarter with the product group.';
    const f = guard();
    let received = 0;
    let sent = '';
    const pieces: string[] = [];
    let longestWord = 0;
    let word = 0;
    for (const chunk of twoCharChunks(prose)) {
      for (const ch of chunk) word = ch === ' ' ? 0 : word + 1;
      longestWord = Math.max(longestWord, word);
      received += chunk.length;
      const out = f.push('text', chunk);
      if (out.length > 0) pieces.push(out);
      sent += out;
      expect(received - sent.length).toBeLessThanOrEqual(SPACED_HOLD_CHARS + longestWord + 2);
    }
    expect(sent + f.flush('text')).toBe(prose);
    // "Sure!" and "Here" could begin a name; "i" could still become "impasse"; "is" then ends the chain.
    expect(pieces[0]).toBe('Sure! Here is ');
    expect(pieces.length).toBeGreaterThan(20);
  });

  it('holds a capitalised name or a phone number being written, not the prose around it', () => {
    const f = guard();
    // "Jane Doe" is a person name (a known given name and a surname): held until judged, then masked.
    expect(f.push('text', 'please call Jane Doe on ')).toBe('please call ');
    let out = 'please call ';
    out += f.push('text', '+44 20 ');
    out += f.push('text', '7946 0958 ');
    // The number is complete but context after it could still change its score: held 16 more characters.
    const last = f.push('text', 'tomorrow morning ');
    expect(last.endsWith('[REDACTED:pii.phone] tomorrow morning ')).toBe(true);
    out += last + f.flush('text');
    expect(out).toBe('please call [REDACTED:pii.person_name] on [REDACTED:pii.phone] tomorrow morning ');
    // A capitalised word that is no name is not held beyond the spaced bound.
    const g = guard();
    expect(g.push('text', 'please call Support Desk on ')).toBe('please call Support Desk on ');
  });

  it('hands back every character of a long answer without spaces, in bounded pieces', () => {
    const f = guard();
    const blob = 'Qx7'.repeat(5000); // 15,000 characters, no boundary
    let sent = 0;
    for (let i = 0; i < blob.length; i += 64) {
      sent += f.push('text', blob.slice(i, i + 64)).length;
      expect(i + 64 - sent).toBeLessThan(4096 + 64);
    }
    expect(sent + f.flush('text').length).toBe(blob.length);
  });
});

describe('spaced value tokens', () => {
  it('accepts parts of spaced values and rejects prose words and placeholders', () => {
    for (const t of [
      '+44',
      '(415)',
      '4111',
      'GB82',
      'WEST',
      'Müller-Lüdenscheidt',
      'St.,',
      'de',
      'rue',
      'März',
      '"4111',
    ])
      expect([t, spacedValueToken(t)]).toEqual([t, true]);
    for (const t of ['the', 'write', 'summary', '[EMAIL_1]', 'a@b.io', 'API_KEY=1', '—'])
      expect([t, spacedValueToken(t)]).toEqual([t, false]);
  });

  it('accepts a word still being written when it may become a spaced word', () => {
    expect(spacedValueToken('sept', true)).toBe(true);
    expect(spacedValueToken('septe', true)).toBe(true);
    expect(spacedValueToken('septe', false)).toBe(false);
    expect(spacedValueToken('summ', true)).toBe(false);
  });
});
