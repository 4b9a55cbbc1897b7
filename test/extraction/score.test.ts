import { describe, expect, it } from 'vitest';
import { emptyEvidence } from '../../src/extraction/evidence.js';
import { coverage, SCORING, scoreEvidence } from '../../src/extraction/score.js';

function ev(over: Partial<ReturnType<typeof emptyEvidence>>) {
  return { ...emptyEvidence(), firstTs: 1, lastTs: 1 + 3_600_000, ...over };
}

describe('scoreEvidence', () => {
  it('scores nothing for an empty account', () => {
    expect(scoreEvidence(emptyEvidence()).score).toBe(0);
  });
  it('computes the harvest component as share × confidence', () => {
    // 40 requests, 20 templated with full intent weight: share 0.5 ≥ 0.3 → 1; confidence 20/(20+4).
    const s = scoreEvidence(ev({ n: 40, singleTurn: 40, templated: 20, harvest: 20, cotStrong: 20 }));
    expect(s.parts.harvest).toBeCloseTo(20 / 24, 6);
    expect(s.score).toBeCloseTo(20 / 24, 6);
    expect(s.reasons).toContain('cot_elicitation');
    expect(s.reasons).toContain('template_reuse');
  });
  it('dilution below the share threshold lowers the score proportionally', () => {
    // share 0.15 → 0.15/0.3 = 0.5 of full weight.
    const s = scoreEvidence(ev({ n: 200, templated: 30, harvest: 30 }));
    expect(s.parts.harvest).toBeCloseTo(0.5 * (30 / 34), 6);
  });
  it('gives a templated batch job with no intent and one narrow task no score', () => {
    const cats = new Array(12).fill(0);
    cats[5] = 900;
    const s = scoreEvidence(
      ev({ n: 1000, singleTurn: 1000, templated: 1000, harvest: 0, sweep: 900, sweepCategories: cats }),
    );
    expect(s.score).toBe(0);
    expect(s.reasons).toEqual([]);
  });
  it('scores a sweep over many capability areas', () => {
    const cats = new Array(12).fill(10);
    const s = scoreEvidence(ev({ n: 120, singleTurn: 120, templated: 120, sweep: 120, sweepCategories: cats }));
    // uniform histogram → coverage 1 → sat((1-0.35)/0.35) = 1; share 1; confidence 120/130.
    expect(coverage(cats)).toBeCloseTo(1, 9);
    expect(s.parts.sweep).toBeCloseTo(120 / (120 + SCORING.sweepPrior), 6);
    expect(s.reasons).toContain('capability_sweep');
  });
  it('coverage is 0 for one category and ln(2)/ln(12) for two equal ones', () => {
    expect(coverage([5, 0, 0])).toBe(0);
    expect(coverage([3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(Math.log(2) / Math.log(12), 9);
  });
});
