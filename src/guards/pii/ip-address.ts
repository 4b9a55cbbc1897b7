import { isIPv6 } from 'node:net';
import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { ContextWords } from '../text/context.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * IPv4 and IPv6 addresses. Dotted quads are also version numbers ("version 1.2.3.4", "v10.0.1.2") and OIDs;
 * those are recognised by the words before them and by a fifth component. IPv6 candidates are validated
 * with node:net and must have real structure (8 groups, or '::' with three or more groups) so C++ `a::b`,
 * MAC addresses and clock times are not addresses.
 */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.\\-])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
// Hex groups and colons only, bounded: at most 39 characters for an IPv6 address without zone.
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:|::)(?:[0-9A-Fa-f]{0,4}:){1,6}[0-9A-Fa-f]{0,4}(?![\w:])/g;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Whether a colon is followed by '::' or by hex:hex: — every IPv6 address has one; clock times (10:22:31) do not. */
function ipv6Hint(text: string): boolean {
  let i = text.indexOf(':');
  while (i !== -1) {
    if (text.charCodeAt(i + 1) === 58) return true;
    let k = i + 1;
    let colons = 0;
    while (colons < 2) {
      let hex = 0;
      while (hex < 5 && isHex(text.charCodeAt(k))) {
        k++;
        hex++;
      }
      if (hex > 4 || text.charCodeAt(k) !== 58) break;
      colons++;
      k++;
    }
    if (colons === 2) return true;
    i = text.indexOf(':', i + 1);
  }
  return false;
}

const VERSION_CONTEXT = new ContextWords([
  'version',
  'ver',
  'ver.',
  'v',
  'release',
  'build',
  'firmware',
  'sdk',
  'api level',
  'oid',
  'chrome',
  'firefox',
  'safari',
  'edge',
  'mozilla',
  'applewebkit',
  'windows nt',
  'android',
  'ios',
  'node',
  'python',
  'java',
  'npm',
  'pip',
  'package',
  'library',
  'upgrade',
  'update',
  'installed',
  'versión',
  'versione',
  '版本',
]);

const IP_CONTEXT = new ContextWords([
  'ip',
  'ipv4',
  'ipv6',
  'address',
  'addr',
  'host',
  'server',
  'client',
  'from',
  'src',
  'dst',
  'remote',
  'login',
  'connected',
  'gateway',
  'dns',
  'subnet',
  'adresse',
  'dirección',
  '地址',
]);

function ipv4Score(text: string, start: number, end: number): number {
  const before = text.slice(Math.max(0, start - 2), start);
  // "v1.2.3.4" / "@1.2.3.4": a version tag, not an address.
  if (/[vV@]$/.test(before)) return 0;
  // A version word right before wins over address words further away ("server 1.2, version 1.2.3.4").
  if (VERSION_CONTEXT.inRange(text, start - 12, start)) return 0;
  const ipContext = IP_CONTEXT.near(text, start, end, 32, 0);
  if (!ipContext && VERSION_CONTEXT.near(text, start, end, 24, 0)) return 0;
  return ipContext ? 0.95 : 0.8;
}

function ipv6Structured(s: string): boolean {
  if (!isIPv6(s)) return false;
  const groups = s.split(':').filter((g) => g.length > 0).length;
  if (s.includes('::')) return groups >= 3 || (groups >= 2 && /[0-9a-f]{3,}/i.test(s));
  return groups === 8;
}

export const ipAddressDetector: Detector = {
  name: 'pii.ip_address',
  category: 'pii',
  defaultAction: 'redact',
  description: 'IPv4 and IPv6 addresses, excluding version strings.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    if (text.includes('.')) {
      forEachMatch(IPV4, text, (m) => {
        const start = m.index;
        const end = start + m[0].length;
        const score = ipv4Score(text, start, end);
        if (score > 0) out.push(spanFinding('pii.ip_address', 'pii', score, start, end, 'ipv4'));
      });
    }
    // Any IPv6 address has three colons or a '::'; this cheap test keeps the scan off clock times.
    if (ipv6Hint(text)) {
      forEachMatch(IPV6, text, (m) => {
        if (!ipv6Structured(m[0])) return;
        const start = m.index;
        const end = start + m[0].length;
        const score = IP_CONTEXT.near(text, start, end, 32, 0) ? 0.95 : 0.85;
        out.push(spanFinding('pii.ip_address', 'pii', score, start, end, 'ipv6'));
      });
    }
    return out;
  },
};
