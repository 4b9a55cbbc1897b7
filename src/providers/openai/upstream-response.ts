/**
 * Upstream side: an OpenAI-compatible answer (JSON or SSE chunks) parsed back into the canonical shape.
 * The upstream is trusted to speak the protocol but not to be well-formed: anything unexpected becomes
 * PCX_UPSTREAM_BAD_RESPONSE rather than a crash or a half-filled answer.
 */
import { z } from 'zod';
import type { ChatResponse, FinishReason, StreamEvent, ToolCall, Usage } from '../../core/chat.js';
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
  choices: z.array(z.looseObject({ message, finish_reason: z.string().nullish(), logprobs: z.unknown() })).min(1),
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
  const choice = c.choices[0]!;
  const m = choice.message;
  const toolCalls: ToolCall[] = (m.tool_calls ?? []).map((t) => ({
    id: t.id,
    name: t.function.name,
    arguments: t.function.arguments ?? '',
  }));
  const resp: ChatResponse = {
    id: c.id ?? '',
    model: publicModel,
    text: m.content ?? '',
    toolCalls,
    finishReason: fromOpenAIFinish(choice.finish_reason),
    usage: fromUsage(c.usage),
    extra: {},
    extraDialect: 'openai',
  };
  const reasoning = m.reasoning_content ?? m.reasoning;
  if (typeof reasoning === 'string') resp.reasoning = reasoning;
  if (choice.logprobs !== undefined && choice.logprobs !== null) resp.logprobs = choice.logprobs;
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
  /** Tool indexes that have had their `tool_call` event (a call's id/name come once, then only arguments). */
  private readonly seenTools = new Set<number>();

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
        // The canonical answer has one choice; extra choices (n > 1) are not streamed to the client.
        if (choice === null || typeof choice !== 'object' || (choice.index ?? 0) !== 0) continue;
        this.decodeChoice(choice, out);
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

  private decodeChoice(choice: NonNullable<Chunk['choices']>[number], out: StreamEvent[]): void {
    const d = choice.delta;
    if (d !== null && typeof d === 'object') {
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'reasoning', text: reasoning });
      if (typeof d.content === 'string' && d.content !== '') out.push({ type: 'text', text: d.content });
      if (Array.isArray(d.tool_calls)) for (const t of d.tool_calls) this.decodeTool(t, out);
    }
    if (choice.logprobs !== null && choice.logprobs !== undefined)
      out.push({ type: 'logprobs', value: choice.logprobs });
    if (typeof choice.finish_reason === 'string' && !this.finished) {
      this.finished = true;
      out.push({ type: 'finish', reason: fromOpenAIFinish(choice.finish_reason) });
    }
  }

  private decodeTool(t: ChunkToolCall, out: StreamEvent[]): void {
    if (t === null || typeof t !== 'object') throw this.bad('a malformed tool call delta');
    const index = typeof t.index === 'number' ? t.index : 0;
    const fn = t.function ?? {};
    if (!this.seenTools.has(index)) {
      if (typeof t.id !== 'string' || typeof fn.name !== 'string') throw this.bad('a tool call without id or name');
      this.seenTools.add(index);
      out.push({ type: 'tool_call', index, id: t.id, name: fn.name });
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      out.push({ type: 'tool_args', index, delta: fn.arguments });
    }
  }

  private bad(what: string): PortcullisError {
    return new PortcullisError('PCX_UPSTREAM_BAD_RESPONSE', `provider "${this.provider}" sent ${what}`);
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
