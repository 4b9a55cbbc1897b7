/** Builds trace lines (specs/traffic-trace.md) in the OpenAI and Anthropic dialects. */
import type { Rng } from './prng.js';

export interface TraceLine {
  ts: number;
  account: string;
  key?: string;
  ip: string;
  user_agent?: string;
  path: string;
  body: Record<string, unknown>;
  response?: { status: number; output_tokens: number; finish_reason: string };
}

export type Turn = { role: 'user' | 'assistant'; text: string };

export interface CallOptions {
  dialect: 'chat' | 'anthropic' | 'responses' | 'completions';
  model?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stream?: boolean;
  n?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  user?: string;
  /** Reasoning through the API: OpenAI reasoning_effort / Responses reasoning / Anthropic thinking. */
  reasoning?: boolean;
  tools?: boolean;
  /** Typical answer length in tokens before max_tokens caps it. */
  answerTokens: number;
  /** Transformation tasks (rewrite, translate): the answer is about this many times the prompt's tokens. */
  answerPerInput?: number;
}

const TOOL = {
  type: 'function',
  function: {
    name: 'lookup_order',
    description: 'Look up an order',
    parameters: { type: 'object', properties: { id: { type: 'string' } } },
  },
};

/** Builds the body of one request and a plausible response summary. */
export function call(rng: Rng, turns: readonly Turn[], o: CallOptions): Pick<TraceLine, 'path' | 'body' | 'response'> {
  let path: string;
  let body: Record<string, unknown>;
  const put = (k: string, v: unknown) => {
    if (v !== undefined) body[k] = v;
  };
  switch (o.dialect) {
    case 'anthropic': {
      path = '/v1/messages';
      body = {
        model: o.model ?? 'claude-sonnet-4-5',
        max_tokens: o.maxTokens ?? 1024,
        messages: turns.map((t) => ({ role: t.role, content: t.text })),
      };
      put('system', o.system);
      put('temperature', o.temperature);
      put('stream', o.stream);
      if (o.reasoning) body.thinking = { type: 'enabled', budget_tokens: 8000 };
      if (o.user) body.metadata = { user_id: o.user };
      if (o.tools)
        body.tools = [{ name: 'lookup_order', description: 'Look up an order', input_schema: { type: 'object' } }];
      break;
    }
    case 'responses': {
      path = '/v1/responses';
      body = {
        model: o.model ?? 'gpt-4.1',
        input: turns.length === 1 ? turns[0]!.text : turns.map((t) => ({ role: t.role, content: t.text })),
      };
      put('instructions', o.system);
      put('max_output_tokens', o.maxTokens);
      put('temperature', o.temperature);
      put('stream', o.stream);
      put('top_logprobs', o.logprobs ? (o.topLogprobs ?? 5) : undefined);
      put('user', o.user);
      if (o.reasoning) body.reasoning = { effort: 'high', summary: 'detailed' };
      break;
    }
    case 'completions': {
      path = '/v1/completions';
      body = { model: o.model ?? 'gpt-3.5-turbo-instruct', prompt: turns.map((t) => t.text).join('\n\n') };
      put('max_tokens', o.maxTokens);
      put('temperature', o.temperature);
      put('n', o.n);
      put('logprobs', o.logprobs ? (o.topLogprobs ?? 5) : undefined);
      put('user', o.user);
      break;
    }
    default: {
      path = '/v1/chat/completions';
      const messages: Array<{ role: string; content: string }> = [];
      if (o.system) messages.push({ role: 'system', content: o.system });
      for (const t of turns) messages.push({ role: t.role, content: t.text });
      body = { model: o.model ?? 'gpt-4o', messages };
      put('max_tokens', o.maxTokens);
      put('temperature', o.temperature);
      put('top_p', o.topP);
      put('stream', o.stream);
      put('n', o.n);
      if (o.logprobs) {
        body.logprobs = true;
        body.top_logprobs = o.topLogprobs ?? 5;
      }
      put('user', o.user);
      if (o.reasoning) body.reasoning_effort = 'high';
      if (o.tools) body.tools = [TOOL];
    }
  }
  const inputTokens = Math.ceil(turns.reduce((n, t) => n + t.text.length, 0) / 4);
  const typical = o.answerPerInput !== undefined ? Math.max(5, inputTokens * o.answerPerInput) : o.answerTokens;
  const want = Math.max(1, Math.round(rng.logNormal(typical, 0.5)));
  const cap = o.maxTokens ?? 4096;
  const out = Math.min(want, cap);
  return {
    path,
    body,
    response: { status: 200, output_tokens: out * (o.n ?? 1), finish_reason: want > cap ? 'length' : 'stop' },
  };
}

/** A stand-in for an earlier answer in a conversation (the trace holds requests, not answers). */
export function fakeAnswer(rng: Rng, about: string): string {
  const words = about.split(/\s+/).slice(0, 12).join(' ');
  const openers = ['Sure! Here is what I suggest.', 'Good question.', 'Here is an overview.', 'Let me explain.'];
  return `${rng.pick(openers)} Regarding "${words}", there are a few points to consider. ${'The main idea is explained below. '.repeat(rng.int(1, 6))}`;
}

export function ipv4(rng: Rng, net?: string): string {
  return net
    ? `${net}.${rng.int(1, 254)}`
    : `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function net24(rng: Rng): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}`;
}

export const BROWSER_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
export const SDK_UAS = [
  'OpenAI/Python 1.54.3',
  'OpenAI/JS 4.73.0',
  'Anthropic/Python 0.39.0',
  'python-httpx/0.27.2',
  'python-requests/2.32.3',
];
