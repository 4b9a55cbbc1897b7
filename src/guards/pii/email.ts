import type { Finding } from '../../core/findings.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

/**
 * Email addresses, found by expanding around each '@' instead of a regex over the whole text: the scan is
 * linear and costs nothing in texts without '@'. Accepts plus addressing, quoted-free RFC 5322 "atext" local
 * parts, Latin-1/extended letters in local parts (RFC 6531) and IDN domains (Unicode labels or xn--).
 */

const LOCAL_MAX = 64;
const DOMAIN_MAX = 253;

/** Endings that look like TLDs but are file names: `icon@2x.png`, `module@1.0.js`. */
const FILE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'bmp',
  'ico',
  'js',
  'mjs',
  'cjs',
  'ts',
  'tsx',
  'jsx',
  'css',
  'scss',
  'map',
  'json',
  'html',
  'htm',
  'md',
  'txt',
  'py',
  'rb',
  'go',
  'rs',
  'java',
  'kt',
  'lock',
  'yml',
  'yaml',
  'toml',
  'xml',
  'pdf',
  'zip',
  'gz',
  'tar',
  'exe',
  'dll',
  'so',
  'wasm',
  'vue',
  'php',
  'sh',
  'bat',
  'log',
  'csv',
]);

function isLocalChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 || // .
    c === 95 || // _
    c === 37 || // %
    c === 43 || // +
    c === 45 || // -
    c === 39 || // '
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
  );
}

/** Domain characters: ASCII letters/digits, '-', '.', and non-ASCII letters for IDN, excluding CJK punctuation. */
function isDomainChar(c: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46) return true;
  if (c < 0xc0) return false;
  if (c >= 0x2000 && c <= 0x206f) return false; // general punctuation
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation (。、「」)
  if (c >= 0xff00 && c <= 0xffef) return false; // full-width forms (，：)
  if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates (emoji)
  return true;
}

function isAscii(c: number): boolean {
  return c < 128;
}

function validLabel(label: string): boolean {
  if (label.length === 0 || label.length > 63) return false;
  return label.charCodeAt(0) !== 45 && label.charCodeAt(label.length - 1) !== 45;
}

/** Returns the end of a valid domain starting at `from`, or -1. Trims a trailing ASCII/CJK transition. */
function domainEnd(text: string, from: number): number {
  let end = from;
  const limit = Math.min(text.length, from + DOMAIN_MAX);
  while (end < limit && isDomainChar(text.charCodeAt(end))) end++;
  // Trailing dots and hyphens are sentence punctuation, not domain.
  while (end > from && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  if (end <= from) return -1;
  let domain = text.slice(from, end);
  const lastDot = domain.lastIndexOf('.');
  if (lastDot <= 0) return -1;
  // "a@b.com联系我": an ASCII TLD running straight into CJK text ends at the script change.
  const tldStart = lastDot + 1;
  if (tldStart < domain.length && isAscii(domain.charCodeAt(tldStart))) {
    let k = tldStart;
    while (k < domain.length && isAscii(domain.charCodeAt(k))) k++;
    domain = domain.slice(0, k);
    end = from + k;
  }
  const labels = domain.split('.');
  for (const l of labels) if (!validLabel(l)) return -1;
  const tld = labels[labels.length - 1]!;
  if (tld.length < 2) return -1;
  if (/^[a-z]+$/i.test(tld)) {
    if (FILE_EXTENSIONS.has(tld.toLowerCase())) return -1;
  } else if (!/^xn--[a-z0-9-]+$/i.test(tld) && !/^\p{L}+$/u.test(tld)) {
    return -1; // numeric TLDs: `pkg@1.2.3`, `user@10.0.0.1` (not a mailbox people type)
  }
  return end;
}

/** Whether the whitespace-delimited token containing `start` began as a URL (`scheme://user:p!ss@host`). */
function inUrlToken(text: string, start: number): boolean {
  const floor = Math.max(0, start - 256);
  let k = start;
  while (k > floor) {
    const c = text.charCodeAt(k - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 34 || c === 39) break;
    k--;
  }
  return text.slice(k, start).includes('://');
}

export const emailDetector: Detector = {
  name: 'pii.email',
  category: 'pii',
  defaultAction: 'redact',
  description: 'Email addresses, including plus addressing and internationalised (IDN) domains.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    let at = text.indexOf('@');
    let minStart = 0;
    while (at !== -1) {
      let start = at;
      const floor = Math.max(minStart, at - LOCAL_MAX);
      while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start--;
      // A local part cannot start or end with '.', nor contain "..".
      while (start < at && text.charCodeAt(start) === 46) start++;
      const local = text.slice(start, at);
      const end = local.length > 0 && !local.endsWith('.') && !local.includes('..') ? domainEnd(text, at + 1) : -1;
      // `git@github.com:org/repo` is an SSH remote, not a mailbox.
      if (end !== -1 && !(local === 'git' && text.charCodeAt(end) === 58)) {
        // After ':' or '/' the "local part" is a URL's userinfo (`postgres://user:pw@host`), except `mailto:`.
        const prev = start > 0 ? text.charCodeAt(start - 1) : 32;
        const inUrl =
          (prev === 58 && text.slice(start - 7, start).toLowerCase() !== 'mailto:') ||
          prev === 47 ||
          inUrlToken(text, start);
        if (!inUrl) out.push(spanFinding('pii.email', 'pii', 0.95, start, end));
        minStart = end;
        at = text.indexOf('@', end);
      } else {
        at = text.indexOf('@', at + 1);
      }
    }
    return out;
  },
};
