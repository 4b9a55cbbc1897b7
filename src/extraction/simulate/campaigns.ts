/**
 * Extraction campaigns from the issue: bulk self-instruct generation, reasoning harvest, capability
 * sweep, low-and-slow, hydra networks with rotating addresses, campaigns hidden in cover traffic, and
 * paraphrased templates. Each labels its accounts with its campaign id.
 */
import type { SimContext } from './benign.js';
import type { PromptData } from './data.js';
import { BROWSER_UAS, type CallOptions, call, fakeAnswer, ipv4, net24, SDK_UAS, type Turn } from './emit.js';
import type { Rng } from './prng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A campaign's task source: mixed capability areas, as distillation wants coverage. */
function anyTask(rng: Rng, d: PromptData): string {
  const r = rng.next();
  if (r < 0.3) return rng.pick(d.arena).prompt;
  if (r < 0.5) {
    const c = rng.pick(d.codeAlpaca);
    return c.input ? `${c.instruction}\n${c.input}` : c.instruction;
  }
  if (r < 0.7) return rng.pick(d.gsm8k);
  if (r < 0.85) return rng.pick(d.mtBench).turns[0] ?? '';
  const s = rng.pick(d.selfInstruct);
  return s.input ? `${s.instruction}\n${s.input}` : s.instruction;
}

function alpacaGeneration(rng: Rng, d: PromptData): string {
  const seeds = [rng.pick(d.seedTasks), rng.pick(d.seedTasks), rng.pick(d.seedTasks)];
  const listed = seeds
    .map(
      (s, i) =>
        `${i + 1}. Instruction: ${s.instruction}\n${i + 1}. Input:\n${s.input || '<noinput>'}\n${i + 1}. Output:\n${s.output}`,
    )
    .join('\n###\n');
  return `${d.generatorPrompt}\n###\n${listed}\n###\n4. Instruction:`;
}

function alpacaAnswer(rng: Rng, d: PromptData): string {
  const c = rng.pick(d.codeAlpaca);
  const tail = rng.chance(0.5) ? ' Give a detailed answer.' : '';
  return `Below is an instruction that describes a task. Write a response that appropriately completes the request.${tail}\n\n### Instruction:\n${c.instruction}\n\n### Input:\n${c.input || 'None'}\n\n### Response:`;
}

/** One account harvesting in bulk at machine speed: the Alpaca generator plus answers to its tasks. */
export function bulk(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    let t = ctx.start + rng.int(0, ctx.days * 12) * HOUR;
    const n = rng.int(1500, 3000);
    for (let i = 0; i < n && t < ctx.start + ctx.days * DAY; i++) {
      const gen = rng.chance(0.3);
      const text = gen ? alpacaGeneration(rng, data) : alpacaAnswer(rng, data);
      const opts: CallOptions = {
        dialect: rng.chance(0.7) ? 'chat' : 'completions',
        maxTokens: gen ? 3072 : 2048,
        temperature: gen ? 1 : 0.7,
        topP: 1,
        answerTokens: gen ? 1500 : 500,
      };
      ctx.out.push({ ts: t, account, ip, user_agent: ua, ...call(rng, [{ role: 'user', text }], opts) });
      t += rng.int(500, 4000);
    }
  }
}

export const REASONING_TEMPLATES = [
  (q: string) =>
    `Solve the following problem. Think step by step and show your complete reasoning before giving the final answer.\n\nProblem: ${q}`,
  (q: string) =>
    `${q}\n\nExplain your reasoning in detail, showing every intermediate step, then state the final answer on its own line.`,
];

/** Reasoning harvest: maths and logic questions with reasoning requested by prompt and by API parameter. */
export function reasoningHarvest(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    const tpl = rng.pick(REASONING_TEMPLATES);
    const dialect: CallOptions['dialect'] = rng.pick(['anthropic', 'chat', 'responses'] as const);
    let t = ctx.start + rng.int(0, ctx.days * 12) * HOUR;
    const n = rng.int(800, 2000);
    for (let i = 0; i < n && t < ctx.start + ctx.days * DAY; i++) {
      const q = rng.chance(0.8) ? rng.pick(data.gsm8k) : rng.pick(data.arena).prompt;
      const opts: CallOptions = {
        dialect,
        maxTokens: 8192,
        temperature: 1,
        reasoning: rng.chance(0.7),
        answerTokens: 900,
      };
      ctx.out.push({ ts: t, account, ip, user_agent: ua, ...call(rng, [{ role: 'user', text: tpl(q) }], opts) });
      t += rng.int(1500, 9000);
    }
  }
}

/** Capability sweep: one template walked systematically over topic clusters, with log-probabilities. */
export function capabilitySweep(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  const sorted = data.arena.slice().sort((x, y) => x.cluster.localeCompare(y.cluster));
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    let t = ctx.start + rng.int(0, ctx.days * 12) * HOUR;
    const items: Array<{ area: string; text: string }> = [
      ...sorted.map((s) => ({ area: s.cluster, text: s.prompt })),
      ...data.mtBench.map((q) => ({ area: q.category, text: q.turns[0] ?? '' })),
      ...data.selfInstruct.map((s) => ({
        area: 'general',
        text: s.input ? `${s.instruction}\n${s.input}` : s.instruction,
      })),
    ];
    for (const it of items) {
      if (t >= ctx.start + ctx.days * DAY) break;
      const text = `You are a world-class expert in ${it.area}. Complete the task below as an expert would, with a complete and high-quality answer.\n\nTask:\n${it.text}`;
      const opts: CallOptions = {
        dialect: 'chat',
        maxTokens: 4096,
        temperature: 0.8,
        logprobs: rng.chance(0.5),
        topLogprobs: 5,
        answerTokens: 700,
      };
      ctx.out.push({ ts: t, account, ip, user_agent: ua, ...call(rng, [{ role: 'user', text }], opts) });
      t += rng.int(800, 5000);
    }
  }
}

const SLOW_TEMPLATE = (q: string) =>
  `Please answer the question below in detail, explaining your reasoning step by step.\n\nQuestion: ${q}`;

/** Low and slow: ~26 requests per account per day around the clock, each account on its own address. */
export function lowAndSlow(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(BROWSER_UAS);
    for (let day = 0; day < ctx.days; day++) {
      const n = rng.int(20, 32);
      for (let i = 0; i < n; i++) {
        const t = ctx.start + day * DAY + rng.int(0, DAY - 1);
        const opts: CallOptions = { dialect: 'chat', maxTokens: 4096, temperature: 0.7, answerTokens: 800 };
        ctx.out.push({
          ts: t,
          account,
          ip,
          user_agent: ua,
          ...call(rng, [{ role: 'user', text: SLOW_TEMPLATE(anyTask(rng, data)) }], opts),
        });
      }
    }
  }
}

const HYDRA_TEMPLATE = (q: string) =>
  `### Task\n${q}\n\n### Requirements\nGive a complete, expert-level answer. Explain your reasoning before the final answer. Do not omit any step.\n\n### Answer`;

/**
 * Hydra: many accounts, each small, behind rotating proxy addresses, driven by one scheduler in
 * waves. Each account alone sends a handful of requests.
 */
export function hydra(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  const pools = Array.from({ length: 40 }, () => net24(rng));
  const ua = rng.chance(0.5) ? 'python-httpx/0.27.2' : rng.pick(BROWSER_UAS);
  const names = Array.from({ length: accounts }, (_, a) => `acct-${id}-${a}`);
  const budget = new Map<string, number>();
  for (const n of names) {
    ctx.labels[n] = id;
    ctx.kinds[n] = 'campaign';
    budget.set(n, Math.max(2, Math.round(rng.exp(18))));
  }
  const end = ctx.start + ctx.days * DAY;
  for (let wave = ctx.start + rng.int(0, 6) * HOUR; wave < end; wave += rng.int(8, 15) * 60_000) {
    const active = names.filter((n) => (budget.get(n) ?? 0) > 0);
    if (active.length === 0) break;
    for (const account of rng.shuffle(active.slice()).slice(0, rng.int(5, 25))) {
      budget.set(account, budget.get(account)! - 1);
      const t = wave + rng.int(0, 20_000);
      const opts: CallOptions = {
        dialect: rng.chance(0.5) ? 'chat' : 'anthropic',
        maxTokens: 4096,
        temperature: 0.9,
        answerTokens: 800,
      };
      ctx.out.push({
        ts: t,
        account,
        ip: ipv4(rng, rng.pick(pools)),
        user_agent: ua,
        ...call(rng, [{ role: 'user', text: HYDRA_TEMPLATE(anyTask(rng, data)) }], opts),
      });
    }
  }
}

/** Campaign requests mixed into an account's ordinary multi-turn chatting. */
export function coverTraffic(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(BROWSER_UAS);
    let t = ctx.start + rng.int(0, ctx.days * 6) * HOUR;
    const tpl = rng.pick(REASONING_TEMPLATES);
    while (t < ctx.start + ctx.days * DAY) {
      if (rng.chance(0.5)) {
        const opts: CallOptions = { dialect: 'chat', maxTokens: 8192, temperature: 1, answerTokens: 800 };
        ctx.out.push({
          ts: t,
          account,
          ip,
          user_agent: ua,
          ...call(rng, [{ role: 'user', text: tpl(anyTask(rng, data)) }], opts),
        });
        t += rng.int(5_000, 60_000);
      } else {
        const q = rng.pick(data.mtBench);
        const turns: Turn[] = [];
        for (const text of q.turns) {
          turns.push({ role: 'user', text });
          ctx.out.push({
            ts: t,
            account,
            ip,
            user_agent: ua,
            ...call(rng, turns, { dialect: 'chat', answerTokens: 300 }),
          });
          turns.push({ role: 'assistant', text: fakeAnswer(rng, text) });
          t += rng.int(30_000, 180_000);
        }
      }
    }
  }
}

const PARA = {
  open: ['Please', 'Kindly', 'I need you to', 'Could you', 'Go ahead and', ''],
  verb: ['solve', 'work through', 'answer', 'tackle', 'handle', 'address', 'complete'],
  obj: [
    'the following problem',
    'this question',
    'the task below',
    'the problem that follows',
    'this exercise',
    'the next item',
  ],
  how: [
    'showing each step of your reasoning',
    'explaining your thought process in full',
    'with a detailed explanation of every step',
    'laying out the reasoning behind each step',
    'reasoning carefully and showing your work',
  ],
  close: [
    'Finish with the final answer.',
    'End with a clear final answer.',
    'Then give the answer on the last line.',
    'Conclude with the result.',
    'State the final result at the end.',
  ],
};

/** A template rewritten per request (synonyms, order), so exact skeleton hashes rarely repeat. */
export function paraphrased(ctx: SimContext, id: string, accounts: number): void {
  const { rng, data } = ctx;
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${id}-${a}`;
    ctx.labels[account] = id;
    ctx.kinds[account] = 'campaign';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    let t = ctx.start + rng.int(0, ctx.days * 12) * HOUR;
    const n = rng.int(600, 1500);
    for (let i = 0; i < n && t < ctx.start + ctx.days * DAY; i++) {
      const instr =
        `${rng.pick(PARA.open)} ${rng.pick(PARA.verb)} ${rng.pick(PARA.obj)}, ${rng.pick(PARA.how)}. ${rng.pick(PARA.close)}`.trim();
      const q = anyTask(rng, data);
      const text = rng.chance(0.5) ? `${instr}\n\n${q}` : `${q}\n\n${instr}`;
      const opts: CallOptions = { dialect: 'chat', maxTokens: 4096, temperature: 0.9, answerTokens: 700 };
      ctx.out.push({ ts: t, account, ip, user_agent: ua, ...call(rng, [{ role: 'user', text }], opts) });
      t += rng.int(2000, 12_000);
    }
  }
}
