/**
 * Latency of the injection detectors, in process.
 *
 *   npx tsx bench/guards-injection.ts
 *
 * Prints median and p99 microseconds per call for 1 KB and 4 KB prompts (all five detectors, and the
 * classifier alone), and the time for one 1 MB text.
 */

import { performance } from 'node:perf_hooks';
import { injectionDetectors, scoreInjection } from '../src/guards/injection/index.js';
import { defaultModel } from '../src/guards/injection/model.js';

const SENTENCES = [
  'Please summarise the following meeting notes for the team.',
  'The budget for the third quarter was approved with minor changes.',
  'Can you rewrite this paragraph in a friendlier tone?',
  'Ignore the typo in the subject line, it should read Tuesday.',
  'We need the report by Friday; Anna will collect the figures.',
  'Explain how a hash map handles collisions, with an example in Python.',
];

function prompt(bytes: number, seed: number): string {
  let s = '';
  let i = seed;
  while (s.length < bytes) s += `${SENTENCES[i++ % SENTENCES.length]} `;
  return s.slice(0, bytes);
}

function measure(label: string, texts: string[], fn: (t: string) => void): void {
  for (let i = 0; i < 200; i++) fn(texts[i % texts.length]!); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = texts[i % texts.length]!;
    const start = performance.now();
    fn(t);
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`${label.padEnd(34)} median ${q(0.5).padStart(8)} µs   p99 ${q(0.99).padStart(8)} µs`);
}

defaultModel();
const all = (t: string) => {
  for (const d of injectionDetectors) d.detect(t, { role: 'user' });
};
for (const size of [1024, 4096]) {
  // Distinct texts so the one-entry analysis memo cannot serve a repeat.
  const texts = Array.from({ length: 64 }, (_, i) => prompt(size, i));
  measure(`${size / 1024} KB, all injection detectors`, texts, all);
  measure(`${size / 1024} KB, classifier only`, texts, (t) => scoreInjection(t));
}
const mb = prompt(1024 * 1024, 3);
const start = performance.now();
all(mb);
console.log(`1 MB, all injection detectors        ${(performance.now() - start).toFixed(1)} ms`);
