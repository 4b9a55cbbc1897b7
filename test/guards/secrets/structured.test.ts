import { describe, expect, it } from 'vitest';
import { connectionUrlDetector } from '../../../src/guards/secrets/connection-url.js';
import { genericSecretDetector } from '../../../src/guards/secrets/generic.js';
import { detectSecrets } from '../../../src/guards/secrets/index.js';
import { jwtDetector } from '../../../src/guards/secrets/jwt.js';
import { privateKeyDetector } from '../../../src/guards/secrets/private-key.js';
import type { Detector } from '../../../src/guards/types.js';
import { a, B64, rnd } from './samples.js';

function found(d: Detector, text: string): [string, string, number][] {
  return d.detect(text, { role: 'user' }).map((f) => [f.detector, text.slice(f.start, f.end), f.start!]);
}

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('secret.private_key', () => {
  const body = rnd(64, B64, 3);
  for (const label of [
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
  ]) {
    it(`finds a ${label} block with its exact span`, () => {
      const key = `-----BEGIN ${label}-----\n${body}\n${body}\n-----END ${label}-----`;
      expect(found(privateKeyDetector, `😀 x ${key} y`)).toEqual([['secret.private_key', key, 5]]);
    });
  }
  it('finds keys in JSON strings with \\n escapes and truncated keys', () => {
    const json = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"}`;
    expect(found(privateKeyDetector, json)[0]![1]).toBe(
      `-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----`,
    );
    const cut = `-----BEGIN RSA PRIVATE KEY-----\n${body}${body}`;
    expect(found(privateKeyDetector, cut)).toEqual([['secret.private_key', cut, 0]]);
  });
  it('ignores public keys and certificates', () => {
    expect(found(privateKeyDetector, `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`)).toEqual([]);
    expect(found(privateKeyDetector, `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`)).toEqual([]);
  });
});

describe('secret.jwt', () => {
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const payload = b64url({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
  const jwt = `${header}.${payload}.${rnd(43, `${B64}`.replace(/[+/]/g, '_'), 9)}`;
  it('finds a signed JWT with its exact span', () => {
    expect(found(jwtDetector, `Authorization: Bearer ${jwt}`)).toEqual([['secret.jwt', jwt, 22]]);
  });
  it('rejects tokens whose header is not JSON with alg', () => {
    const noAlg = `${b64url({ typ: 'JWT' })}.${payload}.${a(43)}`;
    expect(found(jwtDetector, noAlg)).toEqual([]);
    expect(found(jwtDetector, `eyJhbGciOiJIUzI1NiJ9garbage.${payload}.${a(43)}`)).toEqual([]);
  });
});

describe('secret.database_url', () => {
  it('reports the password only, for database and other URLs', () => {
    const t = 'DATABASE_URL=postgres://app:S3cr3t!Pass@db.internal:5432/prod';
    expect(found(connectionUrlDetector, t)).toEqual([['secret.database_url', 'S3cr3t!Pass', 28]]);
    expect(found(connectionUrlDetector, 'mongodb+srv://u:pA55w0rd9@c0.mongodb.net/x')[0]![1]).toBe('pA55w0rd9');
    expect(found(connectionUrlDetector, 'redis://:Rd7x92kQ@cache:6379')[0]![1]).toBe('Rd7x92kQ');
    expect(found(connectionUrlDetector, 'https://bob:Tr0ub4dor3@example.com/')).toEqual([
      ['secret.url_credentials', 'Tr0ub4dor3', 12],
    ]);
  });
  it('ignores URLs without passwords and template variables', () => {
    expect(found(connectionUrlDetector, 'postgres://app@db/prod and https://example.com/a:b@c')).toEqual([]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} template is the input under test
    expect(found(connectionUrlDetector, 'postgres://app:${PGPASSWORD}@db/prod mysql://u:<password>@h/d')).toEqual([]);
  });
});

describe('secret.generic', () => {
  it('finds passwords in assignments and prose', () => {
    expect(found(genericSecretDetector, 'DB_PASSWORD="Winter2024!"')).toEqual([['secret.password', 'Winter2024!', 13]]);
    expect(found(genericSecretDetector, 'the password is Hunter22x')).toEqual([['secret.password', 'Hunter22x', 16]]);
    expect(found(genericSecretDetector, '密码：Abc12345xyz')).toEqual([['secret.password', 'Abc12345xyz', 3]]);
  });
  it('finds high-entropy values assigned to secret names', () => {
    const v = a(32, 4);
    expect(found(genericSecretDetector, `client_secret: ${v}`)).toEqual([['secret.generic', v, 15]]);
  });
  it('finds Basic and opaque Bearer credentials', () => {
    const basic = Buffer.from('admin:Sup3rS3cret').toString('base64');
    expect(found(genericSecretDetector, `Authorization: Basic ${basic}`)).toEqual([['secret.auth_header', basic, 21]]);
  });
  it('ignores low-entropy values, ids and words', () => {
    expect(
      found(genericSecretDetector, 'token_type: bearer\napi_key_id: 12345678\nsecret_name: production-db'),
    ).toEqual([]);
    expect(found(genericSecretDetector, 'password: required\nforgot your password? reset it')).toEqual([]);
  });
});

describe('detectSecrets', () => {
  it('reports each region once, preferring the specific rule over the generic one', () => {
    const key = `sk-proj-${a(60, 1)}`;
    const out = detectSecrets(`api_key = "${key}"`, { role: 'user' });
    expect(out.map((f) => f.detector)).toEqual(['secret.openai_api_key']);
  });
});
