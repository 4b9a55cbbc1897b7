import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';
import { isPlaceholder } from './rule.js';

/**
 * Credentials in URLs (RFC 3986 userinfo): database and broker URLs (postgres, mysql, mongodb+srv, redis,
 * amqp, …) and http/ftp URLs with `user:password@`. The finding spans the password only, so redaction keeps
 * the host visible to the model. Template variables and masks (`${DB_PASS}`, `<password>`, `****`) are not
 * credentials.
 */

const URL_WITH_PASSWORD =
  /(?<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse|jdbc:[a-z]{2,12}|https?|ftps?|sftp|smtps?|ldaps?):\/\/(?<user>[^\s:@/?#'"`]{0,64}):(?<secret>[^\s@/?'"`]{1,128})@(?<host>[A-Za-z0-9._-]{1,253})/gi;

const TRIVIAL = /^(?:pass(?:word)?|pwd|secret|user|admin|root|test|\*+|x+|\$[A-Z_]+|%\(?\w*\)?s?|:?\w+:?|\[\w+\])$/i;

const DATABASE_SCHEMES = /^(?:postgres|mysql|mariadb|mongodb|redis|amqp|mssql|sqlserver|cockroach|clickhouse|jdbc)/i;

export const connectionUrlDetector: Detector = {
  name: 'secret.database_url',
  category: 'secret',
  defaultAction: 'redact',
  description: 'Passwords in database, broker and other URLs (scheme://user:password@host).',
  detect(text: string): Finding[] {
    if (!text.includes('://')) return [];
    const out: Finding[] = [];
    forEachMatch(URL_WITH_PASSWORD, text, (m) => {
      const g = m.groups!;
      const secret = g.secret!;
      if (isPlaceholder(secret) || (TRIVIAL.test(secret) && secret.length < 6)) return;
      if (/^(?:pass(?:word)?|pwd|secret|password\d?)$/i.test(secret)) return;
      const database = DATABASE_SCHEMES.test(g.scheme!);
      const name = database ? 'secret.database_url' : 'secret.url_credentials';
      const start = m.index + m[0].indexOf(`:${secret}@`, g.scheme!.length + 3) + 1;
      out.push(spanFinding(name, 'secret', database ? 0.95 : 0.85, start, start + secret.length));
    });
    return out;
  },
};
