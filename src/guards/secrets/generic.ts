import type { Finding } from '../../core/findings.js';
import { forEachMatch } from '../text/chars.js';
import { charClasses, shannonEntropy } from '../text/entropy.js';
import { spanFinding } from '../text/finding.js';
import { keywordGate } from '../text/lower.js';
import type { Detector } from '../types.js';
import { isPlaceholder } from './rule.js';

/**
 * Secrets with no known format, found by what surrounds them: an assignment to a name that says secret
 * (`password=`, `"api_key": "…"`, `client_secret:`), or an HTTP Authorization header. Passwords are accepted
 * as typed (people choose low-entropy ones); other values must look random (Shannon entropy, mixed classes).
 * UUIDs, variable references, code expressions, base64 images and booleans are never reported.
 */

const KEY_WORDS = [
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'auth',
  'credential',
  'kennwort',
  'passwort',
  'mot de passe',
  'contraseña',
  'clave',
  '密码',
];

const hasKeyWord = keywordGate(KEY_WORDS);
const hasHeaderWord = keywordGate(['bearer', 'basic ', 'token ']);

// name (a secret word and the rest of its identifier; starting at the word keeps the scan cheap) + optional quote + separator + optional quote + value.
const ASSIGNMENT =
  /(?<name>(?:passwd|password|passwort|kennwort|pass|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials?|signing[_-]?key|encryption[_-]?key|master[_-]?key)[A-Za-z0-9_.-]{0,30})['"]?[ \t]{0,4}(?::=|=>|=|:)[ \t]{0,4}(?<q>['"`]?)(?<secret>[^\s'"`,;]{6,200})/gi;
// Natural-language forms: "the password is hunter22", "Passwort: …", "mot de passe : …", "密码：…".
const SPOKEN =
  /(?<![\p{L}])(?:password|passwort|kennwort|mot de passe|contraseña|passphrase|pin|密码)(?:[ \t]{1,3}(?:is|ist|est|es|was|war|lautet)[ \t]{1,3}|[ \t]{0,3}[:：=][ \t]{0,3}|[ \t]{1,3})(?<secret>[A-Za-z0-9!#$%&*+?^~\p{L}][^\s'"`,;。，]{5,63})/giu;
const AUTH_HEADER = /(?<![\w-])(?<kind>Bearer|Basic|Token)[ \t]{1,4}(?<secret>[A-Za-z0-9._~+/-]{16,1000}=*)/g;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A reference to a secret, not the secret: env lookups, template variables, code. */
const REFERENCE =
  /^(?:\$|%|process\.env|os\.environ|os\.getenv|env\.|getenv|secrets\.|config\.|settings\.|self\.|this\.|vault:|ssm:|arn:|\{|\[|<)|[()]|\.get$|^(?:true|false|null|none|undefined|nil|required|optional|string|str|bytes|int|number|boolean|bool|any|object)$/i;

function randomLooking(v: string, hexOk: boolean): boolean {
  if (v.length < 16 || UUID.test(v)) return false;
  const c = charClasses(v);
  const kinds = (c.lower > 0 ? 1 : 0) + (c.upper > 0 ? 1 : 0) + (c.digit > 0 ? 1 : 0);
  // Hex digests are only secrets when the name says so (hexOk); then 32+ hex characters is typical.
  if (/^[a-f0-9]+$/i.test(v)) return hexOk && v.length >= 32 && shannonEntropy(v) >= 3;
  if (kinds < 2 || c.digit === 0) return false;
  return shannonEntropy(v) >= 3.5;
}

function passwordLike(v: string): boolean {
  if (v.length < 6 || v.length > 128) return false;
  // A sentence word or identifier (`password: required`, `pass: str`) is not a password; require a digit,
  // symbol or case mix, as password rules force.
  const c = charClasses(v);
  return c.digit > 0 || c.other > 0 || (c.upper > 0 && c.lower > 0);
}

export const genericSecretDetector: Detector = {
  name: 'secret.generic',
  category: 'secret',
  defaultAction: 'redact',
  description:
    'Passwords and high-entropy values assigned to secret-sounding names, and Authorization header credentials.',
  detect(text: string): Finding[] {
    const hit = hasKeyWord(text);
    const header = hasHeaderWord(text);
    if (!hit && !header) return [];
    const out: Finding[] = [];
    const seen = new Set<number>();
    const push = (name: string, score: number, start: number, len: number): void => {
      if (seen.has(start)) return;
      seen.add(start);
      out.push(spanFinding(name, 'secret', score, start, start + len));
    };
    if (hit) {
      forEachMatch(ASSIGNMENT, text, (m) => {
        const g = m.groups!;
        let v = g.secret!;
        if (g.q !== '' && v.endsWith(g.q!)) v = v.slice(0, -1);
        // Sentence punctuation after an unquoted value is not part of it ("password: Hunter22x.").
        if (g.q === '') v = v.replace(/[.,)]+$/, '');
        if (REFERENCE.test(v) || isPlaceholder(v) || v.startsWith('data:')) return;
        const name = g.name!.toLowerCase();
        const start = m.index + m[0].length - g.secret!.length;
        if (/passport|passeport|pasaporte|passnummer|passage|passenger|bypass|compass/.test(name)) return;
        if (
          /pass|pwd|kennwort/.test(name) &&
          !/(?:hash|salt|policy|length|reset|field|input|type|_url|file|path)/.test(name)
        ) {
          if (passwordLike(v)) push('secret.password', 0.8, start, v.length);
          return;
        }
        if (/(?:_id|id|name|type|url|path|file|length|len|size|count|expir|ttl|header)$/.test(name)) return;
        if (randomLooking(v, true)) push('secret.generic', 0.75, start, v.length);
      });
      forEachMatch(SPOKEN, text, (m) => {
        const v = m.groups!.secret!.replace(/[.,)]+$/, '');
        if (REFERENCE.test(v) || isPlaceholder(v) || !passwordLike(v)) return;
        push('secret.password', 0.75, m.index + m[0].length - v.length, v.length);
      });
    }
    if (header) {
      forEachMatch(AUTH_HEADER, text, (m) => {
        const v = m.groups!.secret!;
        const kind = m.groups!.kind!;
        if (isPlaceholder(v) || v.startsWith('eyJ')) return; // JWTs are reported by secret.jwt
        if (kind === 'Basic') {
          const decoded = Buffer.from(v, 'base64').toString('utf8');
          if (!/^[\x20-\x7e]{1,100}:[\x20-\x7e]{1,200}$/.test(decoded)) return;
        } else if (!randomLooking(v, true)) {
          return;
        }
        push('secret.auth_header', 0.85, m.index + m[0].length - v.length, v.length);
      });
    }
    return out;
  },
};
