/**
 * Valid values to plant, each made with its format's real check digits (computed here independently of
 * the detectors' validators, from the published algorithms), and look-alike decoys that must not be found.
 */

import type { CountryCode } from 'libphonenumber-js/max';
import { getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { ALNUM, B64, B64URL, HEX, type Rng, UPPER } from './rng.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function mod97str(s: string): number {
  const expanded = s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let r = 0;
  for (const ch of expanded) r = (r * 10 + Number(ch)) % 97;
  return r;
}

export function card(r: Rng): string {
  const [prefix, len] = r.pick<[string, number]>([
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['3530', 16],
  ]);
  const body = prefix + r.digits(len - prefix.length - 1);
  const pan = body + luhnDigit(body);
  if (len === 15) return r.chance(0.5) ? `${pan.slice(0, 4)} ${pan.slice(4, 10)} ${pan.slice(10)}` : pan;
  const sep = r.pick([' ', '-', '']);
  return pan.match(/.{4}/g)!.join(sep);
}

export function invalidCard(r: Rng): string {
  const c = card(r).replace(/[ -]/g, '');
  const last = (Number(c[c.length - 1]) + r.int(1, 9)) % 10;
  return `${c.slice(0, 4)} ${c.slice(4, 8)} ${c.slice(8, 12)} ${c.slice(12, -1)}${last}`;
}

export function iban(r: Rng): string {
  const [cc, bban] = r.pick<[string, () => string]>([
    ['DE', () => r.digits(18)],
    ['GB', () => r.chars(4, UPPER) + r.digits(14)],
    ['FR', () => r.digits(23)],
    ['ES', () => r.digits(20)],
    ['NL', () => r.chars(4, UPPER) + r.digits(10)],
    ['IT', () => r.chars(1, UPPER) + r.digits(22)],
  ]);
  const b = bban();
  const check = String(98 - mod97str(`${b}${cc}00`)).padStart(2, '0');
  const compact = `${cc}${check}${b}`;
  return r.chance(0.5) ? compact.match(/.{1,4}/g)!.join(' ') : compact;
}

export function ssn(r: Rng): string {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}

const PHONE_COUNTRIES: CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'CN',
  'IT',
  'NL',
  'IN',
  'BR',
  'AU',
  'JP',
  'CH',
  'SE',
  'PL',
];

export function phone(r: Rng): string {
  for (;;) {
    const country = r.pick(PHONE_COUNTRIES);
    const ex = getExampleNumber(country, examples)!;
    const nat = ex.nationalNumber as string;
    const tail = Math.min(4, nat.length - 3);
    const cand = parsePhoneNumberFromString(
      `+${ex.countryCallingCode}${nat.slice(0, nat.length - tail)}${r.digits(tail)}`,
    );
    if (cand?.isValid()) return cand.formatInternational();
  }
}

export function usPhone(r: Rng): string {
  const area = `${r.int(2, 9)}${r.int(0, 8)}${r.int(0, 9)}`;
  const exch = `${r.int(2, 9)}${r.digits(2)}`;
  const line = r.digits(4);
  return r.pick([`(${area}) ${exch}-${line}`, `${area}-${exch}-${line}`, `${area}.${exch}.${line}`]);
}

export function ipv4(r: Rng): string {
  return `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

export function ipv6(r: Rng): string {
  const g = (): string => r.int(0, 0xffff).toString(16);
  return r.chance(0.5) ? `2001:db8:${g()}:${g()}::${g()}` : Array.from({ length: 8 }, g).join(':');
}

export function date(r: Rng): [number, number, number] {
  return [r.int(1940, 2005), r.int(1, 12), r.int(1, 28)];
}

export function cnId(r: Rng): string {
  const [y, m, d] = date(r);
  const body = `${r.pick(['110105', '310104', '440305', '510107', '320102'])}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${r.digits(3)}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i]!;
  return body + '10X98765432'[s % 11];
}

export function nino(r: Rng): string {
  const first = r.pick([...'ABCEGHJKLMNOPRSTWXYZ']);
  const second = r.pick([...'ABCEGHJKLMNPRSTWXYZ']);
  const pre = ['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(first + second) ? 'AB' : first + second;
  return `${pre}${r.digits(6)}${r.pick(['A', 'B', 'C', 'D'])}`;
}

export function esDni(r: Rng): string {
  const n = r.digits(8);
  return n + 'TRWAGMYFPDXBNJZSQVHLCKE'[Number(n) % 23];
}

export function itCf(r: Rng): string {
  const [y, , d] = date(r);
  const body = `${r.chars(6, UPPER)}${String(y % 100).padStart(2, '0')}${r.pick([...'ABCDEHLMPRST'])}${String(d + (r.chance(0.5) ? 40 : 0)).padStart(2, '0')}${r.chars(1, UPPER)}${r.digits(3)}`;
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  let s = 0;
  for (let i = 0; i < 15; i++) {
    const c = body[i]!;
    const v = c >= '0' && c <= '9' ? Number(c) : c.charCodeAt(0) - 65;
    s += i % 2 === 0 ? odd[v]! : v;
  }
  return body + String.fromCharCode(65 + (s % 26));
}

export function frNir(r: Rng): string {
  const body = `${r.int(1, 2)}${r.digits(2)}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 95)).padStart(2, '0')}${r.digits(3)}${r.digits(3)}`;
  const key = String(97 - Number(BigInt(body) % 97n)).padStart(2, '0');
  return `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10, 13)} ${key}`;
}

export function deTaxId(r: Rng): string {
  for (;;) {
    const ds = [...'0123456789'].sort(() => r.next() - 0.5).slice(0, 9);
    ds.push(r.pick(ds));
    const ten = ds.sort(() => r.next() - 0.5).join('');
    if (ten[0] === '0') continue;
    let product = 10;
    for (const ch of ten) {
      let sum = (Number(ch) + product) % 10;
      if (sum === 0) sum = 10;
      product = (sum * 2) % 11;
    }
    const check = (11 - product) % 10;
    return ten + check;
  }
}

export function nlBsn(r: Rng): string {
  for (;;) {
    const b = r.digits(8);
    let s = 0;
    for (let i = 0; i < 8; i++) s += Number(b[i]) * (9 - i);
    const last = s % 11;
    if (last <= 9 && s > 0) return b + last;
  }
}

export function aadhaar(r: Rng): string {
  const d = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
  ];
  const p = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
  ];
  const inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];
  const body = `${r.int(2, 9)}${r.digits(10)}`;
  let c = 0;
  for (let i = 0; i < body.length; i++) c = d[c]![p[(i + 1) % 8]![Number(body[body.length - 1 - i])]!]!;
  const n = body + inv[c];
  return `${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8)}`;
}

export function cpf(r: Rng): string {
  const b = r.digits(9);
  const dv = (s: string): number => {
    let sum = 0;
    for (let i = 0; i < s.length; i++) sum += Number(s[i]) * (s.length + 1 - i);
    const x = (sum * 10) % 11;
    return x === 10 ? 0 : x;
  };
  const d1 = dv(b);
  const d2 = dv(b + d1);
  return `${b.slice(0, 3)}.${b.slice(3, 6)}.${b.slice(6, 9)}-${d1}${d2}`;
}

export function pesel(r: Rng): string {
  const [y, m, d] = date(r);
  const mm = m + (y >= 2000 ? 20 : 0);
  const b = `${String(y % 100).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(d).padStart(2, '0')}${r.digits(4)}`;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  let s = 0;
  for (let i = 0; i < 10; i++) s += Number(b[i]) * w[i]!;
  return b + ((10 - (s % 10)) % 10);
}

export function personnummer(r: Rng): string {
  const [y, m, d] = date(r);
  const b = `${String(y % 100).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${r.digits(3)}`;
  return `${b.slice(0, 6)}-${b.slice(6)}${luhnDigit(b)}`;
}

export function passport(r: Rng): string {
  return r.pick([
    r.digits(9),
    `C${r.chars(8, 'CFGHJKLMNPRTVWXYZ0123456789')}`,
    `E${r.digits(8)}`,
    `${r.digits(2)}${r.chars(2, UPPER)}${r.digits(5)}`,
  ]);
}

// ---- secrets ----

function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
function b62(n: number): string {
  let s = '';
  let v = n;
  while (v > 0) {
    s = base62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(6, '0');
}

export type SecretMaker = (r: Rng) => [detector: string, value: string, before: string, after?: string];

export const SECRET_MAKERS: readonly SecretMaker[] = [
  (r) => ['secret.aws_access_key', `AKIA${r.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 'aws_access_key_id = '],
  (r) => ['secret.aws_secret_key', r.chars(40, B64), 'aws_secret_access_key = '],
  (r) => ['secret.openai_api_key', `sk-proj-${r.chars(74, B64URL)}T3BlbkFJ${r.chars(74, B64URL)}`, 'OPENAI_API_KEY='],
  (r) => ['secret.openai_api_key', `sk-${r.chars(20, ALNUM)}T3BlbkFJ${r.chars(20, ALNUM)}`, 'openai key: '],
  (r) => ['secret.anthropic_api_key', `sk-ant-api03-${r.chars(93, B64URL)}AA`, 'ANTHROPIC_API_KEY='],
  (r) => {
    const body = r.chars(30, ALNUM);
    return ['secret.github_pat', `ghp_${body}${b62(crc32(body))}`, 'token: '];
  },
  (r) => ['secret.github_fine_grained_pat', `github_pat_${r.chars(22, ALNUM)}_${r.chars(59, ALNUM)}`, 'GH_TOKEN='],
  (r) => ['secret.gitlab_pat', `glpat-${r.chars(20, B64URL)}`, 'GITLAB_TOKEN: '],
  (r) => ['secret.slack_token', `xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(24, ALNUM)}`, 'SLACK_BOT_TOKEN='],
  (r) => [
    'secret.slack_webhook',
    `https://hooks.slack.com/services/T${r.chars(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}/B${r.chars(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}/${r.chars(24, ALNUM)}`,
    'webhook: ',
  ],
  (r) => ['secret.stripe_secret_key', `sk_live_${r.chars(24, ALNUM)}`, 'stripe.api_key = "'],
  (r) => ['secret.google_api_key', `AIza${r.chars(35, B64URL)}`, 'GOOGLE_API_KEY='],
  (r) => ['secret.sendgrid_api_key', `SG.${r.chars(22, B64URL)}.${r.chars(43, B64URL)}`, 'SENDGRID_API_KEY='],
  (r) => {
    const body = r.chars(30, ALNUM);
    return ['secret.npm_token', `npm_${body}${b62(crc32(body))}`, '//registry.npmjs.org/:_authToken='];
  },
  (r) => [
    'secret.huggingface_token',
    `hf_${r.chars(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`,
    'HF_TOKEN=',
  ],
  (r) => ['secret.twilio_api_key', `SK${r.chars(32, HEX)}`, 'TWILIO_API_KEY='],
  (r) => ['secret.telegram_bot_token', `${r.digits(10)}:AA${r.chars(33, B64URL)}`, 'bot token '],
  (r) => ['secret.discord_webhook', `https://discord.com/api/webhooks/${r.digits(18)}/${r.chars(68, B64URL)}`, 'hook='],
  (r) => [
    'secret.azure_storage_key',
    `${r.chars(86, B64)}==`,
    'DefaultEndpointsProtocol=https;AccountName=prodstore;AccountKey=',
  ],
  (r) => ['secret.digitalocean_token', `dop_v1_${r.chars(64, HEX)}`, 'DO_TOKEN='],
  (r) => ['secret.doppler_token', `dp.st.prd.${r.chars(40, ALNUM)}`.replace('dp.st.prd.', 'dp.st.'), 'DOPPLER_TOKEN='],
  (r) => ['secret.vault_token', `hvs.${r.chars(90, B64URL)}`, 'VAULT_TOKEN='],
  (r) => ['secret.shopify_token', `shpat_${r.chars(32, HEX)}`, 'X-Shopify-Access-Token: '],
  (r) => ['secret.mailchimp_api_key', `${r.chars(32, HEX)}-us${r.int(1, 21)}`, 'MAILCHIMP_KEY='],
  (r) => ['secret.linear_api_key', `lin_api_${r.chars(40, ALNUM)}`, 'LINEAR_API_KEY='],
  (r) => ['secret.datadog_api_key', r.chars(32, HEX), 'DD_API_KEY='],
  (r) => ['secret.groq_api_key', `gsk_${r.chars(52, ALNUM)}`, 'GROQ_API_KEY='],
  (r) => {
    const h = Buffer.from(JSON.stringify({ alg: r.pick(['HS256', 'RS256']), typ: 'JWT' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ sub: r.digits(8), iat: 1700000000 + r.int(0, 9e6) })).toString('base64url');
    return ['secret.jwt', `${h}.${p}.${r.chars(43, B64URL)}`, 'Authorization: Bearer '];
  },
  (r) => {
    const label = r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY']);
    const body = Array.from({ length: r.int(3, 8) }, () => r.chars(64, B64)).join('\n');
    return ['secret.private_key', `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`, 'key file:\n'];
  },
  (r) => [
    'secret.database_url',
    `${r.chars(6, 'abcdefghijkmnpqrstuvwxyz')}${r.digits(2)}${r.pick(['!', '#', ''])}${r.chars(4, ALNUM)}`,
    `DATABASE_URL=${r.pick(['postgres', 'mysql', 'mongodb+srv', 'redis'])}://app:`,
    `@${r.pick(['db.internal:5432/prod', 'cluster0.mongodb.net/app', 'cache:6379'])}`,
  ],
  (r) => [
    'secret.password',
    `${r.pick(['Winter', 'Sommer', 'Blue', 'Tiger'])}${r.digits(4)}${r.pick(['!', '#', '$'])}`,
    r.pick(['DB_PASSWORD=', 'password: ', 'the password is ', 'Passwort: ', 'mot de passe : ']),
  ],
  (r) => [
    'secret.generic',
    r.chars(32, ALNUM),
    r.pick(['api_key = "', 'client_secret: ', 'SECRET_KEY=', 'auth_token="']),
  ],
];

/** Look-alikes that must not be reported: [kind, text]. */
export function decoy(r: Rng): [string, string] {
  return r.pick<() => [string, string]>([
    () => ['invalid card', `card ${invalidCard(r)}`],
    () => ['order id', `order ${r.pick(['#', 'no. ', ''])}${r.digits(r.int(8, 12))}`],
    () => ['version', `version ${r.int(1, 12)}.${r.int(0, 20)}.${r.int(0, 30)}.${r.int(0, 999)}`],
    () => ['git sha', `commit ${r.chars(40, HEX)}`],
    () => [
      'uuid',
      `request ${r.chars(8, HEX)}-${r.chars(4, HEX)}-4${r.chars(3, HEX)}-a${r.chars(3, HEX)}-${r.chars(12, HEX)}`,
    ],
    () => ['aws example', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    () => ['aws example secret', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    () => ['placeholder key', `OPENAI_API_KEY=sk-${'x'.repeat(48)}`],
    () => [
      'timestamp',
      `at 2024-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')} ${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}`,
    ],
    () => ['sha256', `sha256: ${r.chars(64, HEX)}`],
    () => ['bare 9 digits', `ref ${r.digits(9)}`],
    () => ['price', `total ${r.int(1, 99)},${r.digits(3)}.${r.digits(2)} EUR`],
    () => ['code number', `const TIMEOUT_MS = ${r.digits(7)};`],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} placeholder is the decoy
    () => ['placeholder password', 'password: ${DB_PASSWORD}'],
    () => ['date without birth', `meeting on ${r.int(1, 28)}/${r.int(1, 12)}/2024`],
    () => [
      'invalid iban',
      `IBAN DE${r.digits(2)} ${r.digits(4)} ${r.digits(4)} ${r.digits(4)} ${r.digits(4)} ${r.digits(2)}`.replace(
        /DE(\d\d)/,
        (_m, c) => `DE${c === '00' ? '01' : c}`,
      ),
    ],
    () => ['base64 image', `data:image/png;base64,${r.chars(120, B64)}`],
  ])();
}
