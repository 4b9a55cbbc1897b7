import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * JSON Web Tokens (RFC 7519) in compact JWS form: three base64url parts, the first decoding to a JSON object
 * with an `alg` (RFC 7515 §4.1.1). Unsecured tokens (`alg: none`) have an empty third part; a bearer of
 * either may still authenticate, so both are reported. JWE (five parts) is out of scope.
 */

const JWT = /(?<![\w-])eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{4,8000}\.[A-Za-z0-9_-]{0,1000}(?![\w-])/g;

function decodeHeader(part: string): Record<string, unknown> | undefined {
  try {
    const json = Buffer.from(part, 'base64url').toString('utf8');
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const jwtDetector: Detector = {
  name: 'secret.jwt',
  category: 'secret',
  defaultAction: 'redact',
  description: 'JSON Web Tokens whose header decodes to JSON with an "alg".',
  detect(text: string): Finding[] {
    if (!text.includes('eyJ')) return [];
    const out: Finding[] = [];
    forEachMatch(JWT, text, (m) => {
      const [head, , sig] = m[0].split('.') as [string, string, string];
      const header = decodeHeader(head);
      if (header === undefined || typeof header.alg !== 'string') return;
      const unsigned = header.alg.toLowerCase() === 'none';
      if (!unsigned && sig.length < 16) return;
      out.push(spanFinding('secret.jwt', 'secret', unsigned ? 0.7 : 0.95, m.index, m.index + m[0].length));
    });
    return out;
  },
};
