import { describe, expect, it } from 'vitest';
import { emailDetector } from '../../../src/guards/pii/email.js';
import { found, values } from './helpers.js';

describe('pii.email', () => {
  it('finds plain, plus-addressed and subdomain addresses with exact spans', () => {
    expect(found(emailDetector, 'Mail john.doe+news@mail.example.co.uk now')).toEqual([
      ['pii.email', 'john.doe+news@mail.example.co.uk', 5],
    ]);
  });
  it('computes UTF-16 offsets after an emoji', () => {
    // '😀' is two UTF-16 code units, so the address starts at 3.
    expect(found(emailDetector, '😀 a.b@c.io')).toEqual([['pii.email', 'a.b@c.io', 3]]);
  });
  it('handles IDN domains and stops at CJK punctuation or text', () => {
    expect(values(emailDetector, '邮箱是zhang@例子.中国。谢谢')).toEqual(['zhang@例子.中国']);
    expect(values(emailDetector, '请发到li.wei@example.cn联系我')).toEqual(['li.wei@example.cn']);
    expect(values(emailDetector, 'josé.garcía@correo.es')).toEqual(['josé.garcía@correo.es']);
  });
  it('drops trailing sentence punctuation', () => {
    expect(values(emailDetector, 'Write to ops@acme.com.')).toEqual(['ops@acme.com']);
  });
  it('ignores look-alikes: npm versions, retina images, SSH remotes, URL userinfo, bare @', () => {
    expect(values(emailDetector, 'install lodash@4.17.21 and icon@2x.png')).toEqual([]);
    expect(values(emailDetector, 'git clone git@github.com:org/repo.git')).toEqual([]);
    expect(values(emailDetector, 'postgres://app:pw!x@db.internal/prod')).toEqual([]);
    expect(values(emailDetector, '@channel hello @ world a@b')).toEqual([]);
  });
  it('keeps mailto: addresses', () => {
    expect(values(emailDetector, '<a href="mailto:hr@firma.de">')).toEqual(['hr@firma.de']);
  });
  it('stays linear on a long run of @ and local-part characters', () => {
    const hostile = `${'a.'.repeat(20_000)}@${'@'.repeat(20_000)}`;
    expect(emailDetector.detect(hostile, { role: 'user' })).toEqual([]);
  });
});
