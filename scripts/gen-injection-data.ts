/**
 * Builds the authored injection data set from the hand-written lexicon:
 *
 *   npx tsx scripts/gen-injection-data.ts
 *
 * writes data/injection/authored.train.jsonl and data/injection/authored.heldout.jsonl, one
 * `{text, label, role, category, lang}` a line. Any text built from a held-out item (index % 4 === 3
 * in a lexicon list) goes to the held-out file, so held-out phrasings are never trained on.
 * Deterministic: same lexicon, same output.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENIGN_CARRIERS,
  BENIGN_DOCS,
  CARRIERS,
  CODE_BENIGN,
  INDIRECT_PLANTED,
  LANGS,
  MORE_ATTACKS,
  MORE_BENIGN,
  PEOPLE_IMPERATIVE_DOCS,
  PERSUASIVE_ATTACKS,
  PERSUASIVE_BENIGN,
  PLANTED,
  PROFESSIONS,
  ROLEPLAY_BENIGN,
  ROLEPLAY_BENIGN_MORE,
  SHORT_ATTACKS,
  SHORT_BENIGN,
  SHORT_OVERRIDES,
  SHORT_REQUESTS,
  SUFFIX_PIECES,
  SUFFIX_TARGETS,
  SYMBOL_BENIGN,
  SYSTEM_PROMPTS,
  TASK_TOPICS,
  VOCAB_BENIGN_TEMPLATES,
} from './injection-authored-lexicon.js';
import { AUTHORED, rng } from './injection-data.js';

interface Row {
  text: string;
  label: 0 | 1;
  role: 'user' | 'system' | 'tool';
  category: string;
  lang: string;
}

const held = (...idx: number[]) => idx.some((i) => i % 4 === 3);
const train: Row[] = [];
const heldout: Row[] = [];
const add = (isHeld: boolean, row: Row): void => {
  (isHeld ? heldout : train).push(row);
};
const r = rng(2026);

// Wrappers put an attack inside ordinary chatter, as users and attackers both do.
const WRAPS: Array<(s: string) => string> = [
  (s) => s,
  (s) => `Thanks for the help earlier. ${s}`,
  (s) => `${s} This is very important.`,
  (s) => `Hi!\n\n${s}`,
];
const BENIGN_WRAPS: Array<(s: string) => string> = [
  (s) => s,
  (s) => `Hi! ${s}`,
  (s) => `${s} Thanks in advance.`,
  (s) => `Quick question: ${s}`,
];

for (const [lang, set] of Object.entries(LANGS)) {
  const sep = lang === 'zh' || lang === 'ja' ? '' : ' ';
  set.override.forEach((o, i) => {
    set.payload.forEach((p) => {
      const w = Math.floor(r() * WRAPS.length);
      add(held(i), { text: WRAPS[w]!(`${o}${sep}${p}`), label: 1, role: 'user', category: 'override', lang });
    });
  });
  // Bare overrides: the opening alone is already the attack ("ignore the above").
  set.override.forEach((o, i) => {
    add(held(i), { text: o, label: 1, role: 'user', category: 'override', lang });
    add(held(i), { text: `${o}.`, label: 1, role: 'user', category: 'override', lang });
  });
  set.extract.forEach((e, i) => {
    add(held(i), { text: e, label: 1, role: 'user', category: 'extraction', lang });
    add(held(i), { text: WRAPS[1 + (i % 3)]!(e), label: 1, role: 'user', category: 'extraction', lang });
  });
  set.persona.forEach((p, i) => {
    const payload = set.payload[i % set.payload.length]!;
    add(held(i), { text: p, label: 1, role: 'user', category: 'persona', lang });
    add(held(i), {
      text: `${p}${sep}${set.override[i % set.override.length]}${sep}${payload}`,
      label: 1,
      role: 'user',
      category: 'persona',
      lang,
    });
  });
  for (const [list, category] of [
    [set.benign, 'benign'],
    [set.hardBenign, 'hard_benign'],
  ] as const) {
    list.forEach((b, i) => {
      BENIGN_WRAPS.forEach((wrap, w) => {
        if (lang !== 'en' && w > 1) return; // the wrappers are English; one mixed-language variant is enough
        add(held(i), { text: wrap(b), label: 0, role: 'user', category, lang });
      });
    });
  }
}

// Indirect: planted instructions in carriers around benign document bodies, and the same carriers clean.
PLANTED.forEach((p, i) => {
  CARRIERS.forEach((carrier, c) => {
    const bodyIdx = (i * 7 + c * 3) % BENIGN_DOCS.length;
    add(held(i), {
      text: carrier(BENIGN_DOCS[bodyIdx]!, p),
      label: 1,
      role: 'tool',
      category: 'indirect',
      lang: 'mixed',
    });
  });
});
BENIGN_DOCS.forEach((d, i) => {
  BENIGN_CARRIERS.forEach((carrier) => {
    add(held(i), { text: carrier(d), label: 0, role: 'tool', category: 'benign_doc', lang: 'mixed' });
  });
});

SYSTEM_PROMPTS.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'system', category: 'system_prompt', lang: 'mixed' });
});
ROLEPLAY_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'roleplay_benign', lang: 'en' });
  add(held(i), {
    text: BENIGN_WRAPS[1 + (i % 3)]!(s),
    label: 0,
    role: 'user',
    category: 'roleplay_benign',
    lang: 'en',
  });
});
CODE_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'code_benign', lang: 'en' });
});

SHORT_ATTACKS.forEach((s, i) => {
  add(held(i), { text: s, label: 1, role: 'user', category: 'short_attack', lang: 'mixed' });
});
SHORT_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'short_benign', lang: 'mixed' });
});

// Adversarial suffixes: seeded random soups of fragments, 12–24 pieces, appended to a request.
SUFFIX_TARGETS.forEach((target, i) => {
  for (let k = 0; k < 10; k++) {
    const n = 12 + Math.floor(r() * 13);
    const soup = Array.from({ length: n }, () => SUFFIX_PIECES[Math.floor(r() * SUFFIX_PIECES.length)]).join(' ');
    add(held(i), { text: `${target} ${soup}`, label: 1, role: 'user', category: 'adversarial_suffix', lang: 'en' });
  }
  add(held(i), { text: `${target}.`, label: 0, role: 'user', category: 'harmful_not_injection', lang: 'en' });
});
SYMBOL_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'symbol_benign', lang: 'en' });
});

// Attack vocabulary in ordinary requests; held-out by template, so held-out wording is new.
VOCAB_BENIGN_TEMPLATES.forEach((tpl, i) => {
  TASK_TOPICS.forEach((t, j) => {
    if ((i + j) % 2 === 1 && !tpl.includes('{t}')) return;
    const text = tpl.replace('{t}', t).replace('{p}', PROFESSIONS[(i + j) % PROFESSIONS.length]!);
    add(held(i), { text, label: 0, role: 'user', category: 'vocab_benign', lang: 'en' });
  });
});

MORE_ATTACKS.forEach((s, i) => {
  add(held(i), { text: s, label: 1, role: 'user', category: 'short_attack', lang: 'mixed' });
});
MORE_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'short_benign', lang: 'mixed' });
});

// Second pass: brevity is not evidence (short requests vs equally short overrides), and indirect
// injection is about who is addressed (imperatives to people in documents vs instructions to the AI).
SHORT_REQUESTS.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'short_benign', lang: 'mixed' });
});
SHORT_OVERRIDES.forEach((s, i) => {
  add(held(i), { text: s, label: 1, role: 'user', category: 'short_attack', lang: 'mixed' });
});
PEOPLE_IMPERATIVE_DOCS.forEach((d, i) => {
  BENIGN_CARRIERS.forEach((carrier) => {
    add(held(i), { text: carrier(d), label: 0, role: 'tool', category: 'benign_doc', lang: 'mixed' });
  });
});
INDIRECT_PLANTED.forEach((p, i) => {
  CARRIERS.forEach((carrier, c) => {
    const bodyIdx = (i * 5 + c * 3) % BENIGN_DOCS.length;
    add(held(i), {
      text: carrier(BENIGN_DOCS[bodyIdx]!, p),
      label: 1,
      role: 'tool',
      category: 'indirect',
      lang: 'mixed',
    });
  });
});

// Third pass: persuasion wrappers (PAIR style) with and without a harmful request, and more role-play
// requests, so that the wrapper and the persona words alone are not taken for the attack.
PERSUASIVE_ATTACKS.forEach((s, i) => {
  add(held(i), { text: s, label: 1, role: 'user', category: 'persuasive_attack', lang: 'en' });
});
PERSUASIVE_BENIGN.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'persuasive_benign', lang: 'en' });
});
ROLEPLAY_BENIGN_MORE.forEach((s, i) => {
  add(held(i), { text: s, label: 0, role: 'user', category: 'roleplay_benign', lang: 'en' });
});

const write = (file: string, rows: Row[]) => {
  const seen = new Set<string>();
  const unique = rows.filter((row) => !seen.has(row.text) && seen.add(row.text));
  writeFileSync(join(AUTHORED, file), `${unique.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return unique;
};
// A text must not be in both files: held-out wins.
const heldTexts = new Set(heldout.map((row) => row.text));
const t = write(
  'authored.train.jsonl',
  train.filter((row) => !heldTexts.has(row.text)),
);
const h = write('authored.heldout.jsonl', heldout);
const summary = (rows: Row[]) => `${rows.length} (${rows.filter((x) => x.label === 1).length} attacks)`;
console.log(`authored.train.jsonl ${summary(t)}; authored.heldout.jsonl ${summary(h)}`);
