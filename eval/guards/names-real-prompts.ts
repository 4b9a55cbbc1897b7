/**
 * What the person-name detector finds in real prompts (arena-hard, MT-Bench, self-instruct, code-alpaca): how
 * many texts get a name finding, by kind, and a sample to read. Most are real people (famous, fictional or
 * from the prompt itself); the rest are false positives to veto. Run: npx tsx eval/guards/names-real-prompts.ts
 */
import { readFileSync } from 'node:fs';
import { findNames } from '../../src/guards/pii/names/pairs.js';

const texts: string[] = [];
for (const l of readFileSync('../shared/data/traffic/arena-hard-v0.1.questions.jsonl', 'utf8').split('\n'))
  if (l) texts.push(JSON.parse(l).prompt ?? JSON.parse(l).turns?.[0]?.content ?? '');
const nArena = texts.length;
for (const l of readFileSync('../shared/data/traffic/mt-bench.questions.jsonl', 'utf8').split('\n'))
  if (l) texts.push(...JSON.parse(l).turns);
for (const l of readFileSync('../shared/data/traffic/self-instruct.user-oriented.jsonl', 'utf8').split('\n'))
  if (l) {
    const o = JSON.parse(l);
    texts.push(`${o.instruction}\n${o.instances?.[0]?.input ?? ''}`);
  }
for (const o of JSON.parse(readFileSync('../shared/data/traffic/code-alpaca-2k.json', 'utf8')))
  texts.push(`${o.instruction}\n${o.input ?? ''}`);
let fired = 0;
const kinds = new Map<string, number>();
const samples: string[] = [];
for (const t of texts) {
  const f = findNames(t);
  if (f.length > 0) fired++;
  for (const n of f) {
    kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1);
    samples.push(
      `${n.kind}: ${JSON.stringify(t.slice(n.start, n.end))}  <${JSON.stringify(t.slice(Math.max(0, n.start - 25), n.end + 15))}>`,
    );
  }
}
console.log(`${texts.length} texts (${nArena} arena), ${fired} with a name finding`, [...kinds]);
console.log(samples.slice(0, 80).join('\n'));
