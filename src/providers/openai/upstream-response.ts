/**
 * Upstream side: an OpenAI-compatible answer (JSON or SSE chunks) parsed back into the canonical shape.
 * The upstream is trusted to speak the protocol but not to be well-formed: anything unexpected becomes
 * PCX_UPSTREAM_BAD_RESPONSE rather than a crash or a half-filled answer.
 */
import { z } from 'zod';
import type { ChatChoice, ChatResponse, FinishReason, StreamEvent, ToolCall, Usage } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';

const usage = z.looseObject({ prompt_tokens: z.number().nonnegative(), completion_tokens: z.number().nonnegative() });

const message = z.looseObject({
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  tool_calls: z
    .array(
      z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }) }),
    )
    .nullish(),
});

const completion = z.looseObject({
  id: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().nonnegative().optional(),
        message,
        finish_reason: z.string().nullish(),
        logprobs: z.unknown(),
      }),
    )
    .min(1),
  usage: usage.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

export function fromOpenAIFinish(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function fromUsage(u: z.infer<typeof usage> | null | undefined): Usage {
  return u ? { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens } : { inputTokens: 0, outputTokens: 0 };
}

function toChoice(choice: z.infer<typeof completion>['choices'][number], index: number): ChatChoice {
  const m = choice.message;
  const toolCalls: ToolCall[] = (m.tool_calls ?? []).map((t) => ({
    id: t.id,
    name: t.function.name,
    arguments: t.function.arguments ?? '',
  }));
  const out: ChatChoice = {
    index,
    text: m.content ?? '',
    toolCalls,
    finishReason: fromOpenAIFinish(choice.finish_reason),
  };
  const reasoning = m.reasoning_content ?? m.reasoning;
  if (typeof reasoning === 'string') out.reasoning = reasoning;
  if (choice.logprobs !== undefined && choice.logprobs !== null) out.logprobs = choice.logprobs;
  return out;
}

/** Parses a non-streamed Chat Completions answer; `publicModel` is the name the client asked for. */
export function parseUpstreamCompletion(json: unknown, publicModel: string, provider: string): ChatResponse {
  const r = completion.safeParse(json);
  if (!r.success) {
    throw new PortcullisError(
      'PCX_UPSTREAM_BAD_RESPONSE',
      `provider "${provider}" sent an answer that is not a chat completion`,
    );
  }
  const c = r.data;
  // Choices in index order (an upstream may list them otherwise); the first is the answer itself.
  const sorted = c.choices.map((ch, i) => ({ ch, index: ch.index ?? i })).sort((a, b) => a.index - b.index);
  const [first, ...rest] = sorted.map(({ ch, index }) => toChoice(ch, index));
  const m = sorted[0]!.ch.message;
  const resp: ChatResponse = {
    id: c.id ?? '',
    model: publicModel,
    text: first!.text,
    toolCalls: first!.toolCalls,
    finishReason: first!.finishReason,
    usage: fromUsage(c.usage),
    extra: {},
    extraDialect: 'openai',
  };
  if (first!.reasoning !== undefined) resp.reasoning = first!.reasoning;
  if (first!.logprobs !== undefined) resp.logprobs = first!.logprobs;
  if (rest.length > 0) resp.choices = rest;
  if (m.refusal) resp.extra.refusal = m.refusal;
  if (c.system_fingerprint) resp.extra.system_fingerprint = c.system_fingerprint;
  if (c.service_tier) resp.extra.service_tier = c.service_tier;
  return resp;
}

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Chunk {
  id?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: ChunkToolCall[] | null;
    };
    finish_reason?: string | null;
    logprobs?: unknown;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: unknown };
}

/**
 * Decodes the `data:` payloads of a Chat Completions stream into canonical events. Checks types by hand
 * rather than with a schema: this runs once per token.
 */
export class ChatChunkDecoder {
  private started = false;
  finished = false;
  done = false;
  /** `choice:tool` indexes that have had their `tool_call` event (id/name come once, then only arguments). */
  private readonly seenTools = new Set<string>();
  /** Choices after the first that have finished (n > 1); `finished` is the first choice's. */
  private readonly finishedChoices = new Set<number>();

  constructor(
    private readonly publicModel: string,
    private readonly provider: string,
  ) {}

  /** Events for one SSE `data` payload. Throws PCX_UPSTREAM_BAD_RESPONSE on a malformed chunk. */
  decode(data: string): StreamEvent[] {
    if (data === '[DONE]') {
      this.done = true;
      return [];
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      throw this.bad('a stream chunk that is not JSON');
    }
    if (chunk === null || typeof chunk !== 'object') throw this.bad('a stream chunk that is not an object');
    const out: StreamEvent[] = [];
    if (chunk.error !== undefined && chunk.error !== null) {
      const msg = typeof chunk.error.message === 'string' ? chunk.error.message : 'upstream error';
      out.push({ type: 'error', status: 502, message: msg.slice(0, 1024) });
      return out;
    }
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', id: typeof chunk.id === 'string' ? chunk.id : '', model: this.publicModel });
    }
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (choice === null || typeof choice !== 'object') continue;
        const index = choice.index ?? 0;
        // n > 1: every choice is passed on, tagged with its index; a nonsense index is dropped.
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_CHOICE) continue;
        this.decodeChoice(choice, index, out);
      }
    }
    const u = chunk.usage;
    if (u !== null && u !== undefined && typeof u === 'object') {
      out.push({
        type: 'usage',
        usage: { inputTokens: num(u.prompt_tokens), outputTokens: num(u.completion_tokens) },
      });
    }
    return out;
  }

  /**
   * Events of one choice. The first choice's events carry no `choice` field (the common single-answer case
   * stays as it was); later choices' events carry their index.
   */
  private decodeChoice(choice: NonNullable<Chunk['choices']>[number], c: number, out: StreamEvent[]): void {
    const d = choice.delta;
    const tag = c === 0 ? undefined : c;
    if (d !== null && typeof d === 'object') {
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '')
        out.push(tagged({ type: 'reasoning', text: reasoning }, tag));
      if (typeof d.content === 'string' && d.content !== '') out.push(tagged({ type: 'text', text: d.content }, tag));
      if (Array.isArray(d.tool_calls)) for (const t of d.tool_calls) this.decodeTool(t, c, tag, out);
    }
    if (choice.logprobs !== null && choice.logprobs !== undefined)
      out.push(tagged({ type: 'logprobs', value: choice.logprobs }, tag));
    if (typeof choice.finish_reason !== 'string') return;
    if (c === 0) {
      if (this.finished) return;
      this.finished = true;
    } else {
      if (this.finishedChoices.has(c)) return;
      this.finishedChoices.add(c);
    }
    out.push(tagged({ type: 'finish', reason: fromOpenAIFinish(choice.finish_reason) }, tag));
  }

  private decodeTool(t: ChunkToolCall, c: number, tag: number | undefined, out: StreamEvent[]): void {
    if (t === null || typeof t !== 'object') throw this.bad('a malformed tool call delta');
    const index = typeof t.index === 'number' ? t.index : 0;
    const fn = t.function ?? {};
    const key = `${c}:${index}`;
    if (!this.seenTools.has(key)) {
      if (typeof t.id !== 'string' || typeof fn.name !== 'string') throw this.bad('a tool call without id or name');
      this.seenTools.add(key);
      out.push(tagged({ type: 'tool_call', index, id: t.id, name: fn.name }, tag));
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      out.push(tagged({ type: 'tool_args', index, delta: fn.arguments }, tag));
    }
  }

  private bad(what: string): PortcullisError {
    return new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', `provider "${this.provider}" sent ${what}`);
  }
}

/** OpenAI allows n ≤ 128; a larger index is not a choice the client asked for. */
const MAX_CHOICE = 127;

function tagged<E extends StreamEvent & { choice?: number }>(ev: E, choice: number | undefined): E {
  if (choice !== undefined) ev.choice = choice;
  return ev;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
