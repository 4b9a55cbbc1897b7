/**
 * Stolen and shared keys (issue 11): an extraction campaign run under a production app's own key as a
 * small share of its traffic, half from the app's servers (same addresses, same SDK: an insider) and
 * half from outside addresses. The app's account is labelled with the campaign; each campaign
 * request is also recorded in `ctx.foreign`, so the evaluation can check the named sub-stream.
 */
import { APP_SPECS, type SimContext } from './benign.js';
import { REASONING_TEMPLATES } from './campaigns.js';
import type { PromptData } from './data.js';
import { type CallOptions, call, ipv4, net24, SDK_UAS } from './emit.js';
import type { Rng } from './prng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Harvest = (rng: Rng, d: PromptData) => { text: string; opts: CallOptions };

/** What the campaign asks for: the harvest styles of issue 4, one per stolen key. */
const HARVESTS: Harvest[] = [
  (rng, d) => ({
    text: rng.pick(REASONING_TEMPLATES)(rng.chance(0.8) ? rng.pick(d.gsm8k) : rng.pick(d.arena).prompt),
    opts: { dialect: 'chat', maxTokens: 8192, temperature: 1, reasoning: rng.chance(0.7), answerTokens: 900 },
  }),
  (rng, d) => {
    const c = rng.pick(d.codeAlpaca);
    return {
      text: `Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n${c.instruction}\n\n### Input:\n${c.input || 'None'}\n\n### Response:`,
      opts: { dialect: 'chat', maxTokens: 2048, temperature: 0.7, answerTokens: 500 },
    };
  },
  (rng, d) => ({
    text: `Answer the following as completely and accurately as you can.\n\n${rng.pick(d.arena).prompt}`,
    opts: { dialect: 'chat', maxTokens: 4096, temperature: 1, logprobs: true, topLogprobs: 5, answerTokens: 700 },
  }),
];

/**
 * Runs one campaign on each of `keys` production apps already in `ctx.out`, at `share` of the app's
 * traffic from a start time inside the second day until the end of the trace.
 */
export function stolenKeys(
  ctx: SimContext,
  id: string,
  share: number,
  apps: readonly string[],
  /** The campaign copies the app's system prompt, API dialect and parameters (a careful insider). */
  mimic = false,
): void {
  const { rng, data } = ctx;
  const end = ctx.start + ctx.days * DAY;
  for (const app of apps) {
    const own = ctx.out.filter((l) => l.account === app);
    if (own.length === 0) continue;
    const serverIps = [...new Set(own.map((l) => l.ip))];
    const appUa = own[0]!.user_agent;
    const begin = ctx.start + Math.min(ctx.days * DAY * 0.6, DAY * (0.6 + 0.9 * rng.next()));
    const after = own.filter((l) => l.ts >= begin).length;
    const n = Math.max(1, Math.round((after * share) / (1 - share)));
    const harvest = rng.pick(HARVESTS);
    const outsideNet = net24(rng);
    const outsideUa = rng.pick(SDK_UAS);
    ctx.labels[app] = `${id}:${app}`;
    ctx.kinds[app] = 'stolen-key';
    for (let i = 0; i < n; i++) {
      const ts = begin + Math.floor(rng.next() * (end - begin));
      const inside = rng.chance(0.5);
      const h = harvest(rng, data);
      const spec = APP_SPECS.find((a) => a.account === app);
      if (mimic && spec)
        h.opts = { ...spec.opts, system: spec.system, user: `eu-${rng.int(1, 5000)}`, answerTokens: 900 };
      const line = {
        ts,
        account: app,
        ip: inside ? rng.pick(serverIps) : ipv4(rng, outsideNet),
        user_agent: inside ? appUa : outsideUa,
        ...call(rng, [{ role: 'user', text: h.text }], h.opts),
      };
      ctx.out.push(line);
      ctx.foreign?.add(line);
    }
  }
}
