import { describe, expect, it } from 'vitest';
import { labelFor, PlaceholderTable } from '../../../src/guards/redaction/placeholders.js';
import { createRestoreFilter } from '../../../src/guards/redaction/restore.js';
import { cuts, runFilters } from '../engine/doubles.js';

const mapping = new Map([
  ['[EMAIL_1]', 'jane@example.com'],
  ['[EMAIL_10]', 'ten@example.com'],
  ['[SECRET_1]', 'sk-"quoted"\\back\nslash'],
  ['[PHONE_2]', '+44 20 7946 0958'],
]);

describe('placeholders', () => {
  it('labels by detector name', () => {
    expect(labelFor('pii.email')).toBe('EMAIL');
    expect(labelFor('pii.ip_address')).toBe('IP_ADDRESS');
    expect(labelFor('secret.aws_access_key')).toBe('SECRET');
    expect(labelFor('pii.x9y')).toBe('X_Y');
    expect(labelFor('pii.123')).toBe('REDACTED');
  });

  it('numbers per label and reuses the placeholder of a known value', () => {
    const t = new PlaceholderTable();
    expect(t.placeholderFor('pii.email', 'a@b.c')).toBe('[EMAIL_1]');
    expect(t.placeholderFor('pii.phone', '+1 555')).toBe('[PHONE_1]');
    expect(t.placeholderFor('pii.email', 'd@e.f')).toBe('[EMAIL_2]');
    expect(t.placeholderFor('pii.email', 'a@b.c')).toBe('[EMAIL_1]');
    expect([...t.mapping]).toEqual([
      ['[EMAIL_1]', 'a@b.c'],
      ['[PHONE_1]', '+1 555'],
      ['[EMAIL_2]', 'd@e.f'],
    ]);
  });

  it('never hands out a placeholder already in the request', () => {
    const t = new PlaceholderTable(['see [EMAIL_1] and [EMAIL_2]', 'also [SECRET_1]']);
    expect(t.placeholderFor('pii.email', 'a@b.c')).toBe('[EMAIL_3]');
    expect(t.placeholderFor('pii.email', 'x@y.z')).toBe('[EMAIL_4]');
    expect(t.placeholderFor('secret.github_token', 'ghp_x')).toBe('[SECRET_2]');
  });
});

describe('restore filter', () => {
  it('restores a whole answer', () => {
    const f = createRestoreFilter(mapping);
    expect(runFilters([f], 'text', ['Write to [EMAIL_1] or call [PHONE_2].'])).toBe(
      'Write to jane@example.com or call +44 20 7946 0958.',
    );
  });

  it('leaves unknown and mangled placeholders as they are', () => {
    const f = createRestoreFilter(mapping);
    expect(runFilters([f], 'text', ['[EMAIL_7] [email_1] [ EMAIL_1] [EMAIL_1'])).toBe(
      '[EMAIL_7] [email_1] [ EMAIL_1] [EMAIL_1',
    );
  });

  it('flushes a mangled placeholder left at the end', () => {
    const f = createRestoreFilter(mapping);
    expect(f.push('text', 'bye [EMAIL_1')).toBe('bye ');
    expect(f.flush('text')).toBe('[EMAIL_1');
    expect(f.flush('text')).toBe('');
  });

  it('holds back only a possible placeholder prefix, bounded by the longest placeholder', () => {
    const f = createRestoreFilter(mapping);
    expect(f.push('text', 'Hello [EMA')).toBe('Hello ');
    expect(f.push('text', 'IL_1] and [')).toBe('jane@example.com and ');
    expect(f.push('text', 'x] done')).toBe('[x] done');
    // `[` followed by more than the longest placeholder's length cannot be held.
    expect(f.push('text', '[EMAIL_1000000')).toBe('[EMAIL_1000000');
    expect(f.flush('text')).toBe('');
  });

  it('restores a placeholder that is followed by the next one split again', () => {
    const f = createRestoreFilter(mapping);
    let out = f.push('text', '[EMAIL_1');
    out += f.push('text', '0][EMAIL_');
    out += f.push('text', '1]');
    out += f.flush('text');
    expect(out).toBe('ten@example.comjane@example.com');
  });

  it('keeps channels apart', () => {
    const f = createRestoreFilter(mapping);
    expect(f.push('text', 'a [EMA')).toBe('a ');
    expect(f.push('reasoning', 'IL_1]')).toBe('IL_1]');
    expect(f.push('text', 'IL_1]')).toBe('jane@example.com');
  });

  it('every 2- and 3-chunk cut of an answer restores to the same text', () => {
    const answer = 'To [EMAIL_1]: key [SECRET_1], [EMAIL_10][PHONE_2] [EMAIL_9] [[EMAIL_1]]';
    const expected =
      'To jane@example.com: key sk-"quoted"\\back\nslash, ten@example.com+44 20 7946 0958 [EMAIL_9] [jane@example.com]';
    let n = 0;
    for (const chunks of cuts(answer)) {
      const out = runFilters([createRestoreFilter(mapping)], 'text', chunks);
      if (out !== expected) expect({ chunks, out }).toEqual({ chunks, out: expected });
      n++;
    }
    expect(n).toBeGreaterThan(2000);
  });

  it('keeps tool-call arguments valid JSON after restoration, at every cut', () => {
    const args = '{"to":"[EMAIL_1]","token":"[SECRET_1]","note":"call [PHONE_2]"}';
    for (const chunks of cuts(args)) {
      const out = runFilters([createRestoreFilter(mapping)], 'tool:0', chunks);
      expect(JSON.parse(out)).toEqual({
        to: 'jane@example.com',
        token: 'sk-"quoted"\\back\nslash',
        note: 'call +44 20 7946 0958',
      });
    }
  });

  it('does not JSON-escape in the text and reasoning channels', () => {
    const f = createRestoreFilter(mapping);
    expect(runFilters([f], 'reasoning', ['[SECRET_1]'])).toBe('sk-"quoted"\\back\nslash');
  });

  it('passes text through untouched with an empty mapping', () => {
    const f = createRestoreFilter(new Map());
    expect(f.push('text', 'a [EMAIL_1')).toBe('a [EMAIL_1');
    expect(f.flush('text')).toBe('');
  });
});
