import type { Finding } from '../../core/findings.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Private keys in PEM (PKCS#1 RSA, SEC 1 EC, DSA, PKCS#8, encrypted PKCS#8), OpenSSH and OpenPGP armour.
 * Found with indexOf on "-----BEGIN" rather than a regex spanning the body, so a missing END line costs one
 * bounded look-ahead, not a backtracking scan. Also matches keys inside JSON strings (`\n` escapes), as in
 * Google service-account files. Public keys and certificates are not secrets and are skipped.
 */

const LABEL = /^-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/;
/** Longest armoured key we expect (RSA 16384 is about 12 KB). */
const MAX_KEY = 16_384;

export const privateKeyDetector: Detector = {
  name: 'secret.private_key',
  category: 'secret',
  defaultAction: 'block',
  description: 'Private keys: PEM (RSA, EC, DSA, PKCS#8, encrypted), OpenSSH and PGP private key blocks.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    let at = text.indexOf('-----BEGIN ');
    while (at !== -1) {
      const label = LABEL.exec(text.slice(at, at + 64));
      if (label === null) {
        at = text.indexOf('-----BEGIN ', at + 11);
        continue;
      }
      const endMarker = `-----END ${label[1]}-----`;
      const endAt = text.indexOf(endMarker, at);
      let end: number;
      let score = 1;
      if (endAt !== -1 && endAt - at <= MAX_KEY) {
        end = endAt + endMarker.length;
      } else {
        // Truncated paste: the header and what follows is still key material; take the base64 run after it.
        const bodyStart = at + label[0].length;
        let k = bodyStart;
        const limit = Math.min(text.length, bodyStart + MAX_KEY);
        while (k < limit && /[A-Za-z0-9+/=\s\\:-]/.test(text[k]!)) k++;
        end = k;
        score = k - bodyStart >= 64 ? 0.95 : 0.8;
      }
      out.push(spanFinding('secret.private_key', 'secret', score, at, end, label[1]!.toLowerCase().replace(/ /g, '_')));
      at = text.indexOf('-----BEGIN ', end);
    }
    return out;
  },
};
