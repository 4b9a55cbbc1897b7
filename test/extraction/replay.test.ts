import { describe, expect, it } from 'vitest';
import { computeMetrics, LabelsError, parseLabels } from '../../src/extraction/metrics.js';
import { replayLines } from '../../src/extraction/replay.js';
import { chatLine, harvestLine, type Line, merge } from './helpers.js';

const lines = (ls: Line[]) => ls.map((l) => JSON.stringify(l));

describe('replay', () => {
  it('flags a harvesting account and not a chatting one', async () => {
    const trace = merge(
      Array.from({ length: 60 }, (_, i) => harvestLine(i)),
      Array.from({ length: 40 }, (_, i) => chatLine(i)),
    );
    const r = await replayLines(lines(trace));
    const h = r.tallies.get('harvester')!.record;
    const c = r.tallies.get('chatter')!.record;
    expect(h.flagged).toBe(true);
    expect(h.requests).toBe(60);
    expect(h.first_flagged_request).toBeLessThanOrEqual(20);
    expect(h.reasons).toContain('cot_elicitation');
    expect(h.first_flagged_ts).toBe(trace.filter((l) => l.account === 'harvester')[h.first_flagged_request! - 1]!.ts);
    expect(c.flagged).toBe(false);
    expect(c.first_flagged_request).toBeNull();
  });

  it('is causal: truncating the trace after request k changes no verdict up to k', async () => {
    const trace = merge(
      Array.from({ length: 50 }, (_, i) => harvestLine(i)),
      Array.from({ length: 30 }, (_, i) => chatLine(i)),
    );
    const full = await replayLines(lines(trace));
    const firstFull = full.tallies.get('harvester')!.record.first_flagged_request!;
    for (const k of [5, firstFull - 1, firstFull, firstFull + 3, 70]) {
      const part = await replayLines(lines(trace.slice(0, k)));
      const h = part.tallies.get('harvester')?.record;
      if (!h) continue;
      // Flagged in the prefix exactly when the full replay had flagged it by then, at the same request.
      expect(h.flagged).toBe(h.requests >= firstFull);
      if (h.flagged) expect(h.first_flagged_request).toBe(firstFull);
    }
  });

  it('reports malformed lines with their numbers and goes on', async () => {
    const good = lines([harvestLine(0), harvestLine(1)]);
    const input = [
      good[0]!,
      '{not json',
      '',
      JSON.stringify({ ts: 'yesterday', account: 'a', body: {} }),
      JSON.stringify({ ts: '2026-11-01T00:00:00Z', body: {} }),
      JSON.stringify({ ts: '2026-11-01T00:00:00Z', account: 'a', body: 'text' }),
      '[1,2]',
      good[1]!,
    ];
    const seen: number[] = [];
    const r = await replayLines(input, { onMalformed: (m) => seen.push(m.line) });
    expect(seen).toEqual([2, 4, 5, 6, 7]);
    expect(r.malformed.map((m) => m.reason)).toEqual([
      'not valid JSON',
      '"ts" is not an RFC 3339 time: "yesterday"',
      'missing or empty "account"',
      'missing or non-object "body"',
      'not a JSON object',
    ]);
    expect(r.events).toBe(2);
    expect(r.lines).toBe(8);
    expect(r.tallies.get('harvester')!.record.requests).toBe(2);
  });

  it('computes metrics against labels', async () => {
    const trace = merge(
      Array.from({ length: 60 }, (_, i) => harvestLine(i)),
      Array.from({ length: 40 }, (_, i) => chatLine(i)),
    );
    const r = await replayLines(lines(trace));
    const m = computeMetrics(r.tallies.values(), { accounts: { harvester: 'c1', chatter: null } });
    expect(m).toMatchObject({
      campaignAccounts: 1,
      benignAccounts: 1,
      truePositives: 1,
      falsePositives: 0,
      tpr: 1,
      fpr: 0,
    });
    const h = r.tallies.get('harvester')!;
    // 900 output tokens per request; requests up to and including the flagging one were served (the
    // verdict is computed when a request finishes and applies from the next one).
    expect(m.outputServedBeforeFlag).toBeCloseTo((h.record.first_flagged_request! * 900) / (60 * 900), 9);
  });

  it('rejects malformed labels with a clear error', () => {
    expect(() => parseLabels('{')).toThrow(LabelsError);
    expect(() => parseLabels('{"accounts": []}')).toThrow('lacks an "accounts" object');
    expect(() => parseLabels('{"accounts": {"a": 3}}')).toThrow('must be a string or null');
  });
});
