import { fnv1a } from '../hash.js';

/**
 * Hash of the client's network: the /24 of an IPv4 address, the /48 of an IPv6 address (the usual
 * allocation to one site), so addresses rotated inside one range still share a value. Tolerant:
 * anything unparsable hashes as itself.
 */
export function networkOf(ip: string): number {
  if (ip.length === 0) return 0;
  let s = ip;
  if (s.startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
  if (s.includes('.') && !s.includes(':')) {
    const last = s.lastIndexOf('.');
    return fnv1a(`4:${s.slice(0, last)}`);
  }
  if (s.includes(':')) {
    const groups = expandV6(s);
    if (groups !== null) return fnv1a(`6:${groups.slice(0, 3).join(':')}`);
  }
  return fnv1a(`?:${s}`);
}

function expandV6(s: string): string[] | null {
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  const halves = addr.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...new Array<string>(missing).fill('0'), ...tail];
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
