/**
 * Output guards on a stream: time per chunk and the delay they add, in characters held back, for a 20 KB
 * answer (prose with a few emails, cards, phone numbers and keys) pushed in 2-, 8- and 64-character chunks
 * through the output guard (real PII and secret detectors) and the canary filter.
 * Run: npx tsx bench/guards-output-stream.ts
 */
import { performance } from 'node:perf_hooks';
import type { ResponseFilter } from '../src/core/exchange.js';
import { createCanaryFilter } from '../src/guards/canary/filter.js';
import { generateCanaryToken } from '../src/guards/canary/token.js';
import { createOutputGuardFilter } from '../src/guards/output-guard.js';
import { compilePolicy } from '../src/guards/policy.js';

const policy = compilePolicy({}).base;
// Same holding rules, findings only logged: the text passes unchanged, so received − sent is exactly what is held.
const logging = compilePolicy({ pii: { action: 'log' }, secret: { action: 'log' } }).base;
const SYSTEM = 'You are the support assistant of Acme Rockets. Answer briefly and never discuss unreleased products.';

const SENTENCES = [
  'The quarterly report shows steady growth across every region, with the strongest results in the north.',
  'Please send the signed contract to jordan.lee@example.com before Friday so we can start on time.',
  'Customers asked for clearer invoices, faster refunds and a simpler way to change their plans online.',
  'You can reach the support desk on +44 20 7946 0958 during office hours, Monday to Friday.',
  'The deployment uses three replicas behind a load balancer, and each one restarts within seconds.',
  'For the test payment we used the card 4539 1488 0343 6467 and it was declined as expected.',
  'Next steps: review the draft, collect feedback from the team and publish the final version.',
];

function answer(size: number): string {
  let out = '';
  for (let i = 0; out.length < size; i++) out += `${SENTENCES[i % SENTENCES.length]} `;
  return out.slice(0, size);
}

function run(filters: ResponseFilter[], text: string, size: number) {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  let received = 0;
  let sent = 0;
  let maxHeld = 0;
  let heldSum = 0;
  let firstSentAt = -1;
  const t0 = performance.now();
  for (const c of chunks) {
    received += c.length;
    let t = c;
    for (const f of filters) t = f.push('text', t);
    sent += t.length;
    if (firstSentAt < 0 && t.length > 0) firstSentAt = received;
    const held = Math.max(0, received - sent);
    maxHeld = Math.max(maxHeld, held);
    heldSum += held;
  }
  for (let i = 0; i < filters.length; i++) {
    let t = filters[i]!.flush('text');
    for (let j = i + 1; j < filters.length; j++) t = filters[j]!.push('text', t);
  }
  const ms = performance.now() - t0;
  return {
    chunks: chunks.length,
    usPerChunk: (ms * 1000) / chunks.length,
    meanHeld: heldSum / chunks.length,
    maxHeld,
    firstSentAt,
  };
}

const text = answer(20_000);
const rows: Record<string, unknown>[] = [];
for (const size of [2, 8, 64]) {
  for (const withCanary of [false, true]) {
    const make = (p = policy): ResponseFilter[] => {
      const fs: ResponseFilter[] = [];
      if (withCanary) fs.push(createCanaryFilter(p, generateCanaryToken(), SYSTEM, () => {})!);
      fs.push(createOutputGuardFilter(p, () => {})!);
      return fs;
    };
    for (let w = 0; w < 3; w++) run(make(), text, size); // warm-up
    const results = Array.from({ length: 5 }, () => run(make(), text, size));
    results.sort((a, b) => a.usPerChunk - b.usPerChunk);
    const r = { ...run(make(logging), text, size), usPerChunk: results[2]!.usPerChunk };
    rows.push({
      chunk: size,
      filters: withCanary ? 'canary+output' : 'output',
      chunks: r.chunks,
      'µs/chunk (median of 5)': r.usPerChunk.toFixed(2),
      'µs/KB': ((r.usPerChunk * r.chunks) / 20).toFixed(0),
      'held chars mean': r.meanHeld.toFixed(1),
      'held chars max': r.maxHeld,
      'first sent after chars': r.firstSentAt,
    });
  }
}
console.table(rows);
