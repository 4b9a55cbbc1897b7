import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPromptData } from '../../src/extraction/simulate/data.js';
import { simulate } from '../../src/extraction/simulate/scenarios.js';
import { type Harness, startHarness } from './harness.js';

const SHARED_DATA = join(import.meta.dirname, '../../../shared/data');

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

type Body = {
  model?: string;
  messages?: OpenAI.ChatCompletionMessageParam[];
  logprobs?: boolean;
  top_logprobs?: number;
  max_tokens?: number;
  temperature?: number;
};

/** A simulated account's chat-completions bodies, sent as that account's tenant would send them. */
function bodiesOf(lines: ReturnType<typeof simulate>['lines'], account: string): Body[] {
  return lines.filter((l) => l.account === account && l.path === '/v1/chat/completions').map((l) => l.body as Body);
}

describe('extraction defence through the gateway', () => {
  it('flags and degrades or blocks a simulated sweep campaign while a benign user is served normally', async () => {
    const sim = simulate(loadPromptData(SHARED_DATA), { scenario: 'sweep', seed: 97, days: 1, users: 20 });
    const campaignAccount = Object.entries(sim.labels.accounts).find(([, c]) => c !== null)![0];
    const benignAccount = Object.entries(sim.kinds).find(
      ([a, k]) => k === 'chat' && bodiesOf(sim.lines, a).length >= 3,
    )?.[0];
    expect(benignAccount).toBeDefined();
    const campaign = bodiesOf(sim.lines, campaignAccount).slice(0, 150);
    const benign = bodiesOf(sim.lines, benignAccount!).slice(0, 10);
    expect(campaign.length).toBeGreaterThan(60);

    const attacker = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: await h.newKey('harvest'), maxRetries: 0 });
    const user = new OpenAI({ baseURL: `${h.base}/v1`, apiKey: await h.newKey('acme'), maxRetries: 0 });

    const outcomes: string[] = [];
    let degradedUpstream = 0;
    let benignOk = 0;
    for (let i = 0; i < campaign.length; i++) {
      const body = { ...campaign[i]!, model: 'gpt-test', stream: false as const };
      const before = h.openai.requests.length;
      try {
        await attacker.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
        outcomes.push('ok');
        const seen = h.openai.requests[before]?.body as Body | undefined;
        if (body.logprobs && seen && !seen.logprobs) degradedUpstream++;
      } catch (err) {
        outcomes.push(String((err as { code?: string }).code));
      }
      if (i % 15 === 0 && benign.length > 0) {
        const b = benign[(i / 15) % benign.length]!;
        const res = await user.chat.completions.create({
          ...(b as object),
          model: 'gpt-test',
          stream: false,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming);
        if (res.choices[0]?.message) benignOk++;
        const seen = h.openai.requests.at(-1)!.body as Body;
        if (b.max_tokens !== undefined)
          expect(seen.max_tokens ?? (seen as { max_completion_tokens?: number }).max_completion_tokens).toBe(
            b.max_tokens,
          );
      }
    }
    const refused = outcomes.filter((o) => o === 'account_blocked' || o === 'throttled').length;
    expect(refused + degradedUpstream).toBeGreaterThan(0);
    // the defence acted on the campaign before it was over, not only at its last request
    const firstAction = outcomes.findIndex((o) => o === 'account_blocked' || o === 'throttled');
    expect(firstAction === -1 ? degradedUpstream : campaign.length - firstAction).toBeGreaterThan(0);
    expect(benignOk).toBe(Math.ceil(campaign.length / 15));

    const admin = await fetch(`${h.base}/admin/v1/extraction/accounts`, {
      headers: { authorization: 'Bearer pca_test_admin_token_0123456789' },
    });
    const listed = (await admin.json()) as { data: Array<{ account: string; reasons: string[] }> };
    const flagged = listed.data.find((v) => v.account === 'harvest');
    expect(flagged).toBeDefined();
    expect(flagged!.reasons.length).toBeGreaterThan(0);
    expect(listed.data.find((v) => v.account === 'acme')).toBeUndefined();
  });
});
