/**
 * Realistic documents with planted values: emails, support tickets, chat messages, code with config, CSV
 * rows and logs, in English, German, French, Spanish and Chinese. Every planted value is recorded with its
 * expected detector and UTF-16 span; decoys are recorded too (they must produce no finding).
 */
import type { Rng } from './rng.js';
import * as v from './values.js';

export interface Planted {
  detector: string;
  start: number;
  end: number;
}
export interface Document {
  kind: string;
  lang: string;
  text: string;
  planted: Planted[];
  decoys: { kind: string; start: number; end: number }[];
}

class Builder {
  text = '';
  planted: Planted[] = [];
  decoys: { kind: string; start: number; end: number }[] = [];
  lit(s: string): this {
    this.text += s;
    return this;
  }
  val(detector: string, value: string): this {
    this.planted.push({ detector, start: this.text.length, end: this.text.length + value.length });
    this.text += value;
    return this;
  }
  decoy(r: Rng): this {
    const [kind, s] = v.decoy(r);
    this.decoys.push({ kind, start: this.text.length, end: this.text.length + s.length });
    this.text += s;
    return this;
  }
}

const FIRST = [
  'John',
  'Maria',
  'Lukas',
  'Sophie',
  'Carlos',
  'Emma',
  'Ahmed',
  'Chloé',
  'Jürgen',
  'Aisha',
  'Wei',
  'Olivia',
];
const LAST = ['Smith', 'García', 'Müller', 'Dubois', 'Rossi', 'Johnson', 'Schneider', 'Martin', 'López', 'Brown'];
const ZH_NAMES = ['王小明', '李华', '张伟', '刘洋', '陈静'];
const DOMAINS = [
  'example.com',
  'mail.acme.io',
  'firma.de',
  'correo.es',
  'société.fr',
  'gmail.com',
  'outlook.com',
  'qq.com',
];

function email(r: Rng, first: string, last: string): string {
  const local = `${first}.${last}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  return `${local}${r.chance(0.3) ? `+${r.pick(['news', 'work', 'shop'])}` : ''}@${r.pick(DOMAINS)}`;
}

function dobText(r: Rng, lang: string): string {
  const [y, m, d] = v.date(r);
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  if (lang === 'zh') return `${y}年${m}月${d}日`;
  if (lang === 'en')
    return r.pick([
      `${mm}/${dd}/${y}`,
      `${y}-${mm}-${dd}`,
      `${['January', 'March', 'June', 'October'][m % 4]} ${d}, ${y}`,
    ]);
  return r.pick([`${dd}.${mm}.${y}`, `${dd}/${mm}/${y}`, `${y}-${mm}-${dd}`]);
}

const L = {
  en: {
    hi: 'Hi',
    name: 'My name is',
    phone: 'Call me at',
    dob: 'DOB:',
    pass: 'Passport No:',
    addr: 'I live at',
    thanks: 'Thanks',
    card: 'my card number is',
    iban: 'IBAN:',
    ssn: 'SSN:',
    ip: 'login from IP',
  },
  de: {
    hi: 'Hallo',
    name: 'Mein Name ist',
    phone: 'Telefon:',
    dob: 'Geburtsdatum:',
    pass: 'Reisepassnummer:',
    addr: 'Ich wohne in der',
    thanks: 'Danke',
    card: 'meine Kreditkarte:',
    iban: 'IBAN:',
    ssn: 'Steuer-ID:',
    ip: 'Anmeldung von IP',
  },
  fr: {
    hi: 'Bonjour',
    name: "Je m'appelle",
    phone: 'Téléphone :',
    dob: 'Date de naissance :',
    pass: 'Numéro de passeport :',
    addr: "J'habite au",
    thanks: 'Merci',
    card: 'ma carte bancaire :',
    iban: 'IBAN :',
    ssn: 'Numéro de sécurité sociale :',
    ip: 'connexion depuis IP',
  },
  es: {
    hi: 'Hola',
    name: 'Me llamo',
    phone: 'Teléfono:',
    dob: 'Fecha de nacimiento:',
    pass: 'Pasaporte:',
    addr: 'Vivo en',
    thanks: 'Gracias',
    card: 'mi tarjeta de crédito:',
    iban: 'IBAN:',
    ssn: 'DNI:',
    ip: 'acceso desde IP',
  },
  zh: {
    hi: '你好',
    name: '我叫',
    phone: '电话：',
    dob: '出生日期：',
    pass: '护照号码：',
    addr: '地址：',
    thanks: '谢谢',
    card: '信用卡号：',
    iban: 'IBAN：',
    ssn: '身份证号：',
    ip: '登录IP地址：',
  },
} as const;
type Lang = keyof typeof L;

function address(r: Rng, b: Builder, lang: Lang): void {
  const n = r.int(1, 999);
  if (lang === 'en')
    b.val(
      'pii.street_address',
      `${n} ${r.pick(['Baker', 'Maple', 'Oak', 'Sunset', 'Lincoln'])} ${r.pick(['Street', 'Avenue', 'Road', 'Lane', 'Drive'])}`,
    );
  else if (lang === 'de') b.val('pii.street_address', `${r.pick(['Haupt', 'Linden', 'Berg', 'Schiller'])}straße ${n}`);
  else if (lang === 'fr') b.val('pii.street_address', `${n} rue ${r.pick(['de la Paix', 'Victor Hugo', 'des Lilas'])}`);
  else if (lang === 'es') b.val('pii.street_address', `Calle ${r.pick(['Mayor', 'Alcalá', 'Serrano'])} ${n}`);
  else b.val('pii.street_address', `北京市朝阳区${r.pick(['建国路', '长安街', '中山路'])}${n}号`);
}

function nationalId(r: Rng, b: Builder, lang: Lang): void {
  if (lang === 'en')
    r.chance(0.5) ? b.lit('SSN: ').val('pii.us_ssn', v.ssn(r)) : b.lit('NI number ').val('pii.uk_nino', v.nino(r));
  else if (lang === 'de') b.lit('Steuer-ID: ').val('pii.de_tax_id', v.deTaxId(r));
  else if (lang === 'fr') b.lit('N° de sécurité sociale : ').val('pii.fr_nir', v.frNir(r));
  else if (lang === 'es') b.lit('DNI: ').val('pii.es_dni', v.esDni(r));
  else b.lit('身份证号：').val('pii.cn_resident_id', v.cnId(r));
}

function otherId(r: Rng, b: Builder): void {
  r.pick<() => void>([
    () => b.lit('codice fiscale ').val('pii.it_fiscal_code', v.itCf(r)),
    () => b.lit('BSN ').val('pii.nl_bsn', v.nlBsn(r)),
    () => b.lit('Aadhaar ').val('pii.in_aadhaar', v.aadhaar(r)),
    () => b.lit('CPF ').val('pii.br_cpf', v.cpf(r)),
    () => b.lit('PESEL: ').val('pii.pl_pesel', v.pesel(r)),
    () => b.lit('personnummer ').val('pii.se_personnummer', v.personnummer(r)),
  ])();
}

function secret(r: Rng, b: Builder): void {
  const [detector, value, before, after] = r.pick(v.SECRET_MAKERS)(r);
  b.lit(before).val(detector, value);
  if (after !== undefined) b.lit(after);
  if (before.endsWith('"')) b.lit('"');
}

export function generate(r: Rng): Document {
  const lang = r.pick<Lang>(['en', 'en', 'de', 'fr', 'es', 'zh']);
  const t = L[lang];
  const kind = r.pick(['email', 'ticket', 'chat', 'code', 'csv', 'log']);
  const b = new Builder();
  const first = lang === 'zh' ? r.pick(ZH_NAMES) : r.pick(FIRST);
  const last = r.pick(LAST);
  const sep = lang === 'zh' ? '，' : ', ';
  const emoji = r.chance(0.2) ? r.pick(['😀 ', '🙏 ', '✅ ']) : '';
  if (kind === 'email' || kind === 'ticket' || kind === 'chat') {
    b.lit(`${emoji}${t.hi}${sep}`);
    if (kind === 'email' && lang !== 'zh') b.lit(`${t.name} `).val('pii.person_name', `${first} ${last}`).lit('. ');
    if (lang === 'zh') b.lit(t.name).val('pii.person_name', first).lit('。');
    b.lit(
      `${r.pick([
        'I need help with my account',
        'Ich brauche Hilfe',
        "J'ai un problème",
        'Tengo un problema',
        '我需要帮助',
      ])}. `,
    );
    const n = r.int(2, 4);
    for (let i = 0; i < n; i++) {
      r.pick<() => void>([
        () =>
          b
            .lit('Email: ')
            .val('pii.email', email(r, first, last))
            .lit('. '),
        () =>
          b
            .lit(`${t.phone} `)
            .val('pii.phone', r.chance(0.3) && lang === 'en' ? v.usPhone(r) : v.phone(r))
            .lit('. '),
        () => b.lit(`${t.card} `).val('pii.credit_card', v.card(r)).lit('. '),
        () => b.lit(`${t.iban} `).val('pii.iban', v.iban(r)).lit('. '),
        () => b.lit(`${t.dob} `).val('pii.date_of_birth', dobText(r, lang)).lit('. '),
        () => b.lit(`${t.pass} `).val('pii.passport', v.passport(r)).lit('. '),
        () => {
          b.lit(`${t.addr} `);
          address(r, b, lang);
          b.lit('. ');
        },
        () => {
          nationalId(r, b, lang);
          b.lit('. ');
        },
        () => {
          otherId(r, b);
          b.lit('. ');
        },
        () =>
          b
            .lit(`${t.ip} `)
            .val('pii.ip_address', r.chance(0.8) ? v.ipv4(r) : v.ipv6(r))
            .lit('. '),
        () => {
          b.decoy(r);
          b.lit('. ');
        },
      ])();
    }
    if (r.chance(0.3)) {
      secret(r, b);
      b.lit('\n');
    }
    b.lit(`${t.thanks}!`);
  } else if (kind === 'code') {
    b.lit(
      r.pick([
        'Why does this config fail?\n',
        'Warum schlägt das fehl?\n',
        'Pourquoi ça plante ?\n',
        '¿Por qué falla?\n',
        '为什么这个配置失败？\n',
      ]),
    );
    b.lit('```\n');
    for (let i = r.int(1, 3); i > 0; i--) {
      secret(r, b);
      b.lit('\n');
    }
    b.lit(`PORT=${r.int(1000, 9999)}\nTIMEOUT=${r.int(10, 9000)}\n`);
    if (r.chance(0.5)) {
      b.decoy(r);
      b.lit('\n');
    }
    if (r.chance(0.3))
      b.lit('ADMIN_EMAIL=')
        .val('pii.email', email(r, first, last))
        .lit('\n');
    b.lit('```\n');
  } else if (kind === 'csv') {
    b.lit('name,email,phone,card\n');
    for (let i = r.int(2, 4); i > 0; i--) {
      const f = r.pick(FIRST);
      const l = r.pick(LAST);
      b.val('pii.person_name', `${f} ${l}`)
        .lit(',')
        .val('pii.email', email(r, f, l))
        .lit(',')
        .val('pii.phone', v.phone(r))
        .lit(',');
      r.chance(0.7) ? b.val('pii.credit_card', v.card(r)) : b.decoy(r);
      b.lit('\n');
    }
  } else {
    for (let i = r.int(3, 6); i > 0; i--) {
      b.lit(
        `2024-05-${String(r.int(10, 28))}T${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}.${r.digits(3)}Z INFO `,
      );
      r.pick<() => void>([
        () =>
          b
            .lit('login ok user=')
            .val('pii.email', email(r, r.pick(FIRST), r.pick(LAST)))
            .lit(' ip=')
            .val('pii.ip_address', v.ipv4(r)),
        () => b.lit(`request id=${r.chars(8, '0123456789abcdef')} status=200 duration=${r.int(1, 999)}ms`),
        () => b.decoy(r),
        () => b.lit('client ').val('pii.ip_address', v.ipv4(r)).lit(' connected'),
      ])();
      b.lit('\n');
    }
  }
  return { kind, lang, text: b.text, planted: b.planted, decoys: b.decoys };
}
