/**
 * Benign populations, built from real prompts: chat users (multi-turn, human timing), production
 * apps (fixed system prompt or fixed wrapper, many end users), batch jobs, and evaluation harnesses
 * that run a benchmark once. The last three are the hard negatives: templated and voluminous, yet
 * not harvesting.
 */
import type { PromptData } from './data.js';
import {
  BROWSER_UAS,
  type CallOptions,
  call,
  fakeAnswer,
  ipv4,
  net24,
  SDK_UAS,
  type TraceLine,
  type Turn,
} from './emit.js';
import type { Rng } from './prng.js';

export interface SimContext {
  rng: Rng;
  data: PromptData;
  /** ms since epoch of the trace's start (midnight UTC). */
  start: number;
  days: number;
  out: TraceLine[];
  labels: Record<string, string | null>;
  /** Population of each account (chat, app, batch, eval, campaign): for the evaluation, not in the labels file. */
  kinds: Record<string, string>;
  /** Requests of a campaign hidden inside a benign account's traffic (stolen keys). */
  foreign?: Set<TraceLine>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const FOLLOW_UPS = [
  'Can you make it shorter?',
  'Thanks! Could you give me an example?',
  'Why is that the case?',
  'Can you explain the second point in more detail?',
  'That did not work, I get an error. What should I try next?',
  'Great, now rewrite it in a more formal tone.',
  'What are the downsides of this approach?',
  'Can you put that in a table?',
  'ok and what about the cost?',
  'Could you translate that into Spanish?',
];

/** A first prompt for a conversation: a real user prompt from one of the benign sets. */
function userPrompt(rng: Rng, d: PromptData): { text: string; second?: string } {
  const r = rng.next();
  if (r < 0.55) return { text: rng.pick(d.arena).prompt };
  if (r < 0.8) {
    const q = rng.pick(d.mtBench);
    return { text: q.turns[0] ?? '', second: q.turns[1] };
  }
  const s = rng.pick(d.selfInstruct);
  return { text: s.input ? `${s.instruction}\n\n${s.input}` : s.instruction };
}

export function chatUsers(ctx: SimContext, count: number): void {
  const { rng, data } = ctx;
  // One office behind one address and browser build: shares a fingerprint, still benign.
  const officeNet = net24(rng);
  const officeIp = ipv4(rng, officeNet);
  const officeUa = BROWSER_UAS[0]!;
  for (let u = 0; u < count; u++) {
    const account = `user-${u.toString().padStart(4, '0')}`;
    ctx.labels[account] = null;
    ctx.kinds[account] = 'chat';
    const office = u < Math.ceil(count / 10);
    const ua = office ? officeUa : rng.chance(0.7) ? rng.pick(BROWSER_UAS) : rng.pick(SDK_UAS);
    const homeIp = office
      ? officeIp
      : rng.chance(0.15)
        ? `2001:db8:${rng.int(1, 65535).toString(16)}::${rng.int(1, 9999)}`
        : ipv4(rng);
    const tz = rng.int(-8, 9);
    const heavy = rng.chance(0.1);
    const stepwise = rng.chance(0.15);
    const dialect: CallOptions['dialect'] = rng.chance(0.25) ? 'anthropic' : rng.chance(0.1) ? 'responses' : 'chat';
    for (let day = 0; day < ctx.days; day++) {
      if (!rng.chance(heavy ? 0.95 : 0.7)) continue;
      const sessions = heavy ? rng.int(2, 5) : rng.int(1, 2);
      for (let s = 0; s < sessions; s++) {
        let t = ctx.start + day * DAY + ((rng.int(8, 22) - tz + 24) % 24) * HOUR + rng.int(0, 59) * 60_000;
        const conversations = rng.int(1, heavy ? 5 : 3);
        for (let c = 0; c < conversations; c++) {
          const first = userPrompt(rng, data);
          const turns: Turn[] = [
            {
              role: 'user',
              text: stepwise && rng.chance(0.5) ? `${first.text}\nPlease explain step by step.` : first.text,
            },
          ];
          const followUps = Math.min(6, Math.floor(rng.exp(1.3)));
          for (let k = 0; k <= followUps; k++) {
            const opts: CallOptions = {
              dialect,
              answerTokens: 350,
              stream: rng.chance(0.6),
              temperature: rng.chance(0.3) ? 0.7 : undefined,
            };
            ctx.out.push({ ts: t, account, ip: homeIp, user_agent: ua, ...call(rng, turns, opts) });
            turns.push({ role: 'assistant', text: fakeAnswer(rng, turns[turns.length - 1]!.text) });
            const next =
              k === 0 && first.second
                ? first.second
                : rng.chance(0.2)
                  ? userPrompt(rng, data).text
                  : rng.pick(FOLLOW_UPS);
            turns.push({ role: 'user', text: next });
            t += Math.round(rng.logNormal(70_000, 0.8)) + 5000;
          }
          t += Math.round(rng.exp(10 * 60_000));
        }
      }
    }
  }
}

/** Requests of an app through the day: more in the day than at night, as people use it. */
function diurnalTimes(rng: Rng, start: number, days: number, perDay: number): number[] {
  const out: number[] = [];
  for (let day = 0; day < days; day++) {
    const n = Math.round(perDay * (0.8 + 0.4 * rng.next()));
    for (let i = 0; i < n; i++) {
      // Rejection sampling against a day curve peaking mid-afternoon UTC.
      for (;;) {
        const h = rng.next() * 24;
        if (rng.next() < 0.35 + 0.65 * Math.max(0, Math.sin(((h - 6) / 24) * 2 * Math.PI))) {
          out.push(start + day * DAY + Math.floor(h * HOUR));
          break;
        }
      }
    }
  }
  return out.sort((a, b) => a - b);
}

interface AppSpec {
  account: string;
  perDay: number;
  system?: string;
  wrap?: (x: string) => string;
  source: (rng: Rng, d: PromptData) => string;
  multiTurn: number;
  opts: Omit<CallOptions, 'user' | 'answerTokens'> & { answerTokens: number };
}

export const APP_SPECS: AppSpec[] = [
  {
    account: 'app-acme-support',
    perDay: 900,
    system:
      "You are Acme Cloud's support assistant. Answer questions about Acme Cloud hosting, billing and accounts politely and concisely. If you do not know, say so and offer to open a ticket. Never discuss competitors.",
    source: (r, d) => (r.chance(0.5) ? r.pick(d.arena).prompt : r.pick(d.selfInstruct).instruction),
    multiTurn: 0.35,
    opts: { dialect: 'chat', maxTokens: 800, temperature: 0.3, stream: true, tools: true, answerTokens: 250 },
  },
  {
    account: 'app-writewell',
    perDay: 700,
    wrap: (x) =>
      `Improve the writing of the following text. Keep the original meaning and tone, fix grammar and make it clearer.\n\nText:\n${x}`,
    source: (r, d) => {
      const s = r.pick(d.selfInstruct);
      return s.input || r.pick(d.arena).prompt;
    },
    multiTurn: 0,
    opts: { dialect: 'chat', maxTokens: 1024, temperature: 0.7, answerTokens: 200, answerPerInput: 0.8 },
  },
  {
    account: 'app-mathtutor',
    perDay: 500,
    system:
      'You are a patient math tutor for school students. Always show your work and explain each step so the student can follow, then give the final answer.',
    source: (r, d) => r.pick(d.gsm8k),
    multiTurn: 0.4,
    opts: { dialect: 'anthropic', model: 'claude-haiku-4-5', maxTokens: 1500, temperature: 0.5, answerTokens: 300 },
  },
  {
    account: 'app-codepilot',
    perDay: 600,
    system:
      'You are CodePilot, an assistant inside a code editor. Answer with code first, then a short explanation. Use the language of the open file.',
    source: (r, d) => {
      const c = r.pick(d.codeAlpaca);
      return c.input ? `${c.instruction}\n${c.input}` : c.instruction;
    },
    multiTurn: 0.2,
    opts: { dialect: 'responses', maxTokens: 2048, stream: true, answerTokens: 400 },
  },
  {
    account: 'app-docs-rag',
    perDay: 700,
    wrap: (x) =>
      `Answer the question using only the context below. If the answer is not in the context, say "I don't know".\n\nContext:\n${x}\n\nQuestion: What is the main point?\nAnswer:`,
    source: (r, d) => {
      const s = r.pick(d.selfInstruct);
      return s.input || s.instruction;
    },
    multiTurn: 0,
    opts: { dialect: 'chat', maxTokens: 512, temperature: 0, answerTokens: 120 },
  },
];

export function productionApps(ctx: SimContext, specs: readonly AppSpec[] = APP_SPECS): void {
  const { rng, data } = ctx;
  for (const app of specs) {
    ctx.labels[app.account] = null;
    ctx.kinds[app.account] = 'app';
    const nets = [net24(rng), net24(rng)];
    const ua = rng.pick(SDK_UAS);
    for (const t of diurnalTimes(rng, ctx.start, ctx.days, app.perDay)) {
      const user = `eu-${rng.int(1, 5000)}`;
      const text = app.source(rng, data);
      const turns: Turn[] = [{ role: 'user', text: app.wrap ? app.wrap(text) : text }];
      if (rng.chance(app.multiTurn)) {
        turns.push({ role: 'assistant', text: fakeAnswer(rng, text) });
        turns.push({
          role: 'user',
          text: rng.chance(0.5)
            ? rng.pick(FOLLOW_UPS)
            : "I don't understand the second step, can you go over it again?",
        });
      }
      ctx.out.push({
        ts: t,
        account: app.account,
        ip: ipv4(rng, rng.pick(nets)),
        user_agent: ua,
        ...call(rng, turns, { ...app.opts, system: app.system, user }),
      });
    }
  }
}

interface BatchSpec {
  account: string;
  wrap: (x: string) => string;
  count: number;
  opts: CallOptions;
}

const BATCHES: BatchSpec[] = [
  {
    account: 'batch-sentiment',
    wrap: (x) =>
      `Classify the sentiment of the following text as positive, negative or neutral. Reply with one word.\n\nText: ${x}`,
    count: 900,
    opts: {
      dialect: 'chat',
      model: 'gpt-4o-mini',
      maxTokens: 3,
      temperature: 0,
      logprobs: true,
      topLogprobs: 5,
      answerTokens: 1,
    },
  },
  {
    account: 'batch-translate',
    wrap: (x) => `Translate the following text into French. Keep formatting and do not add explanations.\n\n${x}`,
    count: 600,
    opts: {
      dialect: 'chat',
      model: 'gpt-4o-mini',
      maxTokens: 1024,
      temperature: 0.2,
      answerTokens: 250,
      answerPerInput: 1.1,
    },
  },
  {
    account: 'batch-summarise',
    wrap: (x) => `Summarize the following text in one sentence of at most 30 words.\n\n${x}\n\nSummary:`,
    count: 700,
    opts: { dialect: 'completions', maxTokens: 60, temperature: 0.3, answerTokens: 40 },
  },
];

/** Nightly jobs over a data set: a fixed wrapper, machine speed, a narrow task with short answers. */
export function batchJobs(ctx: SimContext, batches: readonly BatchSpec[] = BATCHES): void {
  const { rng, data } = ctx;
  const texts = [
    ...data.arena.map((a) => a.prompt),
    ...data.selfInstruct.map((s) => s.input).filter((s) => s.length > 0),
  ];
  for (const b of batches) {
    ctx.labels[b.account] = null;
    ctx.kinds[b.account] = 'batch';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    for (let day = 0; day < ctx.days; day++) {
      let t = ctx.start + day * DAY + 2 * HOUR + rng.int(0, 3600) * 1000;
      const n = Math.round(b.count * (0.7 + 0.6 * rng.next()));
      for (let i = 0; i < n; i++) {
        ctx.out.push({
          ts: t,
          account: b.account,
          ip,
          user_agent: ua,
          ...call(rng, [{ role: 'user', text: b.wrap(rng.pick(texts)) }], b.opts),
        });
        t += rng.int(200, 3000);
      }
    }
  }
}

/** Evaluation harnesses: a benchmark run once, fast, deterministic decoding. */
export function evalHarnesses(ctx: SimContext, heldOut = false): void {
  const { rng, data } = ctx;
  const runs: Array<{ account: string; day: number; items: Array<{ turns: string[]; opts: CallOptions }> }> = [];
  const shots = data.gsm8k.slice(0, 8);
  const fewShot = shots.map((q, i) => `Q: ${q}\nA: Let's work it out. The answer is ${i + 3}.`).join('\n\n');
  runs.push({
    account: 'eval-gsm8k-8shot',
    day: 0,
    items: rng
      .shuffle(data.gsm8k.slice(100))
      .slice(0, 500)
      .map((q) => ({
        turns: [`${fewShot}\n\nQ: ${q}\nA:`],
        opts: { dialect: 'completions', maxTokens: 256, temperature: 0, answerTokens: 120 },
      })),
  });
  runs.push({
    account: 'eval-gsm8k-zeroshot',
    day: 1,
    items: rng
      .shuffle(data.gsm8k.slice(100))
      .slice(0, 400)
      .map((q) => ({
        turns: [`Question: ${q}\nLet's think step by step.`],
        opts: { dialect: 'chat', maxTokens: 512, temperature: 0, answerTokens: 200 },
      })),
  });
  runs.push({
    account: 'eval-mtbench',
    day: 0,
    items: data.mtBench.map((q) => ({
      turns: q.turns,
      opts: { dialect: 'chat', maxTokens: 1024, temperature: 0.7, answerTokens: 400 },
    })),
  });
  runs.push({
    account: 'eval-arena-hard',
    day: 1,
    items: data.arena.map((a) => ({
      turns: [a.prompt],
      opts: { dialect: 'chat', maxTokens: 4096, temperature: 0, answerTokens: 700 },
    })),
  });
  if (heldOut) runs.length = 0;
  if (heldOut) {
    // A reasoning model evaluated on maths: reasoning requested by parameter, as a harvest would.
    runs.push({
      account: 'eval-reasoning-model',
      day: 0,
      items: rng
        .shuffle(data.gsm8k.slice(2000))
        .slice(0, 300)
        .map((q) => ({
          turns: [`${q}\nPut the final answer after ####.`],
          opts: { dialect: 'responses', model: 'o4-mini', reasoning: true, answerTokens: 400 },
        })),
    });
  }
  for (const run of runs) {
    ctx.labels[run.account] = null;
    ctx.kinds[run.account] = 'eval';
    const ip = ipv4(rng);
    const ua = rng.pick(SDK_UAS);
    let t = ctx.start + Math.min(run.day, ctx.days - 1) * DAY + rng.int(9, 20) * HOUR;
    for (const item of run.items) {
      const turns: Turn[] = [];
      for (const text of item.turns) {
        turns.push({ role: 'user', text });
        ctx.out.push({ ts: t, account: run.account, ip, user_agent: ua, ...call(rng, turns, item.opts) });
        turns.push({ role: 'assistant', text: fakeAnswer(rng, text) });
        t += rng.int(100, 1500);
      }
    }
  }
}

/**
 * Hard negatives kept out of tuning: only the `holdout` scenario has them, and the evaluation reports
 * them separately. They were written after the scoring constants were fixed.
 */
export const HELDOUT_APPS: AppSpec[] = [
  {
    account: 'app-quizgen',
    perDay: 400,
    wrap: (x) =>
      `Create three multiple-choice questions, each with four options and the correct answer marked, for a high-school class about the following topic:\n\n${x}`,
    source: (r, d) => r.pick(d.arena).prompt.slice(0, 200),
    multiTurn: 0,
    opts: { dialect: 'chat', maxTokens: 900, temperature: 0.8, answerTokens: 350 },
  },
  {
    account: 'app-explainer',
    perDay: 500,
    system: 'You are a friendly explainer for curious beginners.',
    wrap: (x) => `Explain the following simply, step by step, for someone new to the subject:\n\n${x}`,
    source: (r, d) => (r.chance(0.5) ? r.pick(d.selfInstruct).instruction : (r.pick(d.mtBench).turns[0] ?? '')),
    multiTurn: 0.25,
    opts: { dialect: 'anthropic', maxTokens: 1200, temperature: 0.6, answerTokens: 450 },
  },
];

export const HELDOUT_BATCHES: BatchSpec[] = [
  {
    account: 'batch-entities',
    wrap: (x) =>
      `Extract all named entities from the text below and return JSON with the keys people, places and organisations.\n\n${x}`,
    count: 800,
    opts: { dialect: 'chat', model: 'gpt-4o-mini', maxTokens: 300, temperature: 0, answerTokens: 60 },
  },
];
