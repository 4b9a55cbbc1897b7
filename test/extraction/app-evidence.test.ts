import { describe, expect, it } from 'vitest';
import { emptyEvidence } from '../../src/extraction/evidence.js';
import { replayLines } from '../../src/extraction/replay.js';
import { appEvidence, SCORING, scoreEvidence } from '../../src/extraction/score.js';
import type { Line } from './helpers.js';

const T0 = Date.parse('2026-11-02T00:00:00.000Z');
const TOPICS = [
  'how a bill becomes a law in a parliamentary system',
  'why compound interest grows faster than simple interest',
  'what a hash table is and why lookups are fast',
  'how vaccines train the immune system',
  'the difference between weather and climate',
  'how to write a recursive function that sums a list',
  'why the moon shows phases',
  'how supply and demand set a price',
  'what photosynthesis produces and what it needs',
  'how to solve 3x + 7 = 22 for x',
  'why ice floats on water',
  'how a sorting algorithm like merge sort works',
];

interface Shape {
  account: string;
  /** ms between requests. */
  gap: (i: number) => number;
  /** End-user id of request i, or undefined. */
  user: (i: number) => string | undefined;
  system?: string;
}

/** One fixed wrapper asking for step-by-step reasoning over varied topics. */
function stepByStep(shape: Shape, count: number): Line[] {
  const out: Line[] = [];
  let t = T0;
  for (let i = 0; i < count; i++) {
    t += shape.gap(i);
    const topic = `${TOPICS[i % TOPICS.length]} (question ${i})`;
    const body: Record<string, unknown> = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1200,
      temperature: 0.6,
      messages: [
        {
          role: 'user',
          content: `Explain the following simply, step by step, showing your reasoning for someone new to the subject:\n\n${topic}`,
        },
      ],
    };
    if (shape.system) body.system = shape.system;
    const user = shape.user(i);
    if (user) body.metadata = { user_id: user };
    out.push({
      ts: new Date(t).toISOString(),
      account: shape.account,
      ip: '192.0.2.10',
      user_agent: 'anthropic-sdk-typescript/0.40.0',
      path: '/v1/messages',
      body,
      response: { status: 200, output_tokens: 450, finish_reason: 'end_turn' },
    });
  }
  return out;
}

async function run(ls: Line[]) {
  const r = await replayLines(ls.map((l) => JSON.stringify(l)));
  return r.tallies.get(ls[0]!.account)!.record;
}

const SYSTEM = 'You are a friendly explainer for curious beginners.';
/** Human pace: a person reads an answer before the next request reaches the app (40–100 s apart). */
const human = (i: number) => 40_000 + ((i * 7919) % 60_000);
const machine = (i: number) => 800 + ((i * 131) % 1500);

describe('appEvidence', () => {
  const app = { n: 200, endUsers: 180, topSystem: 200, machineGaps: 5 };
  it('is high for a fixed system prompt, many end users and human timing', () => {
    expect(appEvidence(app)).toBeCloseTo(1, 6);
  });
  it('is 0 without end-user ids, without a fixed system prompt, or at machine speed', () => {
    expect(appEvidence({ ...app, endUsers: 0 })).toBe(0);
    expect(appEvidence({ ...app, endUsers: 2 })).toBe(0);
    expect(appEvidence({ ...app, topSystem: 0 })).toBe(0);
    expect(appEvidence({ ...app, topSystem: 100 })).toBe(0);
    expect(appEvidence({ ...app, machineGaps: 100 })).toBe(0);
  });
  it('needs many distinct users per request: a few users sending everything is not an app', () => {
    expect(appEvidence({ ...app, endUsers: 12 })).toBeLessThan(0.25);
  });
  it('removes at most appDiscount of the score', () => {
    const e = { ...emptyEvidence(), n: 40, singleTurn: 40, templated: 40, harvest: 40, lastTs: 3_600_000, firstTs: 1 };
    const plain = scoreEvidence(e);
    const discounted = scoreEvidence(e, 1);
    expect(discounted.parts.harvest).toBeCloseTo(plain.parts.harvest * (1 - SCORING.appDiscount), 9);
    expect(scoreEvidence(e, 0).score).toBe(plain.score);
  });
});

describe('a step-by-step explainer app versus harvesting through the same template', () => {
  it('does not flag the app: one system prompt, a new end user per request, human timing', async () => {
    const rec = await run(
      stepByStep({ account: 'explainer', gap: human, user: (i) => `enduser-${i}`, system: SYSTEM }, 300),
    );
    expect(rec.flagged).toBe(false);
  });
  it('flags the same template sent at machine speed even with forged end-user ids and the system prompt', async () => {
    const rec = await run(
      stepByStep({ account: 'forger', gap: machine, user: (i) => `enduser-${i}`, system: SYSTEM }, 300),
    );
    expect(rec.flagged).toBe(true);
    expect(rec.first_flagged_request).toBeLessThanOrEqual(50);
  });
  it('flags the same template at human pace without end-user ids (low and slow)', async () => {
    const rec = await run(stepByStep({ account: 'slow', gap: human, user: () => undefined, system: SYSTEM }, 300));
    expect(rec.flagged).toBe(true);
  });
  it('flags the same template at human pace from three end users sending everything', async () => {
    const rec = await run(
      stepByStep({ account: 'few', gap: human, user: (i) => `enduser-${i % 3}`, system: SYSTEM }, 300),
    );
    expect(rec.flagged).toBe(true);
  });
});
