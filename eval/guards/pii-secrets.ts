/**
 * Evaluation of the PII and secrets detectors.
 *   npx tsx eval/guards/pii-secrets.ts [--seed N] [--docs N] [--show-errors]
 * 1. Generated documents (documents.ts) with planted valid values and decoys: precision, recall and F1 per
 *    detector and overall. A planted value is found when a finding of the same detector overlaps its span;
 *    a finding is a true positive when it overlaps a planted value of its detector.
 * 2. presidio-research synth v2 (dev split, ../shared/data/pii): the entity types we support, by span overlap.
 * Tuning seed: 1. Reporting seed: 20261123 (see docs/evaluation/pii-secrets.md).
 */
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/core/findings.js';
import { detectPii } from '../../src/guards/pii/index.js';
import { detectSecrets } from '../../src/guards/secrets/index.js';
import { type Document, generate } from './documents.js';
import { Rng } from './rng.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
}
const seed = arg('--seed', 1);
const docs = arg('--docs', 2000);
const showErrors = process.argv.includes('--show-errors');

const ctx = { role: 'user' as const };
const scan = (text: string): Finding[] => [...detectPii(text, ctx), ...detectSecrets(text, ctx)];
const overlaps = (a: { start?: number; end?: number }, b: { start: number; end: number }): boolean =>
  a.start !== undefined && a.end !== undefined && a.start < b.end && b.start < a.end;

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}
const tally = new Map<string, Tally>();
const t = (d: string): Tally => {
  let x = tally.get(d);
  if (x === undefined) {
    x = { tp: 0, fp: 0, fn: 0 };
    tally.set(d, x);
  }
  return x;
};
const decoyHits = new Map<string, number>();

const r = new Rng(seed);
let chars = 0;
const errors: string[] = [];
for (let i = 0; i < docs; i++) {
  const doc: Document = generate(r);
  chars += doc.text.length;
  const findings = scan(doc.text);
  for (const p of doc.planted) {
    if (findings.some((f) => f.detector === p.detector && overlaps(f, p))) t(p.detector).tp++;
    else {
      t(p.detector).fn++;
      if (showErrors)
        errors.push(
          `FN ${p.detector} ${JSON.stringify(doc.text.slice(p.start, p.end))} in ${JSON.stringify(doc.text.slice(Math.max(0, p.start - 40), p.end + 20))}`,
        );
    }
  }
  for (const f of findings) {
    if (doc.planted.some((p) => p.detector === f.detector && overlaps(f, p))) continue;
    t(f.detector).fp++;
    const d = doc.decoys.find((x) => overlaps(f, x));
    if (d !== undefined) decoyHits.set(d.kind, (decoyHits.get(d.kind) ?? 0) + 1);
    if (showErrors)
      errors.push(
        `FP ${f.detector} ${JSON.stringify(doc.text.slice(f.start, f.end))} in ${JSON.stringify(doc.text.slice(Math.max(0, f.start! - 40), f.end! + 20))}`,
      );
  }
}

function prf(x: Tally): [number, number, number] {
  const p = x.tp + x.fp === 0 ? 1 : x.tp / (x.tp + x.fp);
  const rc = x.tp + x.fn === 0 ? 1 : x.tp / (x.tp + x.fn);
  return [p, rc, p + rc === 0 ? 0 : (2 * p * rc) / (p + rc)];
}
function table(title: string, rows: Map<string, Tally>): void {
  console.log(`\n${title}`);
  console.log(
    `${'detector'.padEnd(32)} ${'TP'.padStart(6)} ${'FP'.padStart(5)} ${'FN'.padStart(5)}  precision  recall     F1`,
  );
  const all: Tally = { tp: 0, fp: 0, fn: 0 };
  for (const [d, x] of [...rows].sort()) {
    const [p, rc, f1] = prf(x);
    all.tp += x.tp;
    all.fp += x.fp;
    all.fn += x.fn;
    console.log(
      `${d.padEnd(32)} ${String(x.tp).padStart(6)} ${String(x.fp).padStart(5)} ${String(x.fn).padStart(5)}  ${p.toFixed(3).padStart(9)} ${rc.toFixed(3).padStart(7)} ${f1.toFixed(3).padStart(6)}`,
    );
  }
  const [p, rc, f1] = prf(all);
  console.log(
    `${'OVERALL'.padEnd(32)} ${String(all.tp).padStart(6)} ${String(all.fp).padStart(5)} ${String(all.fn).padStart(5)}  ${p.toFixed(3).padStart(9)} ${rc.toFixed(3).padStart(7)} ${f1.toFixed(3).padStart(6)}`,
  );
}

console.log(`generated set: seed ${seed}, ${docs} documents, ${(chars / 1024).toFixed(0)} KB`);
table('generated documents (span overlap, same detector)', tally);
console.log(
  `\ndecoys reported (must be 0): ${decoyHits.size === 0 ? 'none' : [...decoyHits].map(([k, n]) => `${k}: ${n}`).join(', ')}`,
);
if (showErrors) console.log(`\n${errors.slice(0, 80).join('\n')}`);

// ---- presidio-research synth v2, dev split ----
const PRESIDIO_MAP: Record<string, string[]> = {
  EMAIL_ADDRESS: ['pii.email'],
  PHONE_NUMBER: ['pii.phone'],
  CREDIT_CARD: ['pii.credit_card'],
  IBAN_CODE: ['pii.iban'],
  US_SSN: ['pii.us_ssn'],
  IP_ADDRESS: ['pii.ip_address'],
  PERSON: ['pii.person_name'],
  STREET_ADDRESS: ['pii.street_address'],
};
const path = new URL('../../../shared/data/pii/presidio-synth-v2.dev.json', import.meta.url);
let records: {
  full_text: string;
  template_id?: number | string;
  spans: { entity_type: string; start_position: number; end_position: number }[];
}[] = [];
try {
  records = JSON.parse(readFileSync(path, 'utf8'));
} catch {
  console.log(`\npresidio set not found at ${path.pathname}; skipped`);
}
/**
 * The set is split by template (the sentence pattern a record was generated from) into two halves: rules
 * written after the third session (person names in running text, addresses) were tuned looking only at the
 * `tune` half's errors (`--show-errors` prints that half only); the `report` half is the held-out number.
 */
const half = (templateId: number | string | undefined): 'tune' | 'report' => {
  let h = 2166136261;
  for (const ch of String(templateId ?? '')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h % 2 === 0 ? 'tune' : 'report';
};
if (records.length > 0) {
  const halves = { all: new Map<string, Tally>(), tune: new Map<string, Tally>(), report: new Map<string, Tally>() };
  let which: 'tune' | 'report' = 'tune';
  const pe = (k: string) => {
    const get = (m: Map<string, Tally>): Tally => {
      let x = m.get(k);
      if (x === undefined) {
        x = { tp: 0, fp: 0, fn: 0 };
        m.set(k, x);
      }
      return x;
    };
    const a = get(halves.all);
    const b = get(halves[which]);
    return {
      set tp(v: number) {
        b.tp += v - a.tp;
        a.tp = v;
      },
      get tp() {
        return a.tp;
      },
      set fn(v: number) {
        b.fn += v - a.fn;
        a.fn = v;
      },
      get fn() {
        return a.fn;
      },
      set fp(v: number) {
        b.fp += v - a.fp;
        a.fp = v;
      },
      get fp() {
        return a.fp;
      },
    };
  };
  const toType = new Map<string, string>();
  for (const [type, dets] of Object.entries(PRESIDIO_MAP)) for (const d of dets) toType.set(d, type);
  const perrors: string[] = [];
  for (const rec of records) {
    which = half(rec.template_id);
    const showThis = showErrors && which === 'tune';
    const findings = scan(rec.full_text).filter((f) => toType.has(f.detector));
    const spans = rec.spans
      .filter((s) => s.entity_type in PRESIDIO_MAP)
      .map((s) => ({ type: s.entity_type, start: s.start_position, end: s.end_position }));
    for (const s of spans) {
      if (findings.some((f) => toType.get(f.detector) === s.type && overlaps(f, s))) pe(s.type).tp++;
      else {
        pe(s.type).fn++;
        if (showThis)
          perrors.push(
            `FN ${s.type} ${JSON.stringify(rec.full_text.slice(s.start, s.end))} in ${JSON.stringify(rec.full_text.slice(Math.max(0, s.start - 30), s.end + 15))}`,
          );
      }
    }
    for (const f of findings) {
      const type = toType.get(f.detector)!;
      // A finding overlapping any labelled span of its type is a TP; overlapping nothing labelled is an FP.
      if (spans.some((s) => s.type === type && overlaps(f, s))) continue;
      pe(type).fp++;
      if (showThis)
        perrors.push(
          `FP ${type} ${JSON.stringify(rec.full_text.slice(f.start, f.end))} in ${JSON.stringify(rec.full_text.slice(Math.max(0, f.start! - 30), f.end! + 15))}`,
        );
    }
  }
  const count = (h: 'tune' | 'report') => records.filter((r) => half(r.template_id) === h).length;
  table(`presidio-research synth v2 dev (${records.length} records), supported entity types`, halves.all);
  table(`presidio, tuning half (${count('tune')} records; its errors are what --show-errors prints)`, halves.tune);
  table(`presidio, held-out half (${count('report')} records; never looked at)`, halves.report);
  if (showErrors) console.log(`\n${perrors.slice(0, 120).join('\n')}`);
}
