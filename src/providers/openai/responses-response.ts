/**
 * Client side: a canonical answer rendered as a Responses API `response` object. The item builders are
 * shared with the stream renderer so the streamed final snapshot and the non-streamed answer agree.
 */
import type { ChatRequest, ChatResponse, FinishReason, ToolCall, Usage } from '../../core/chat.js';

export interface ResponsesRenderOptions {
  /** The `resp_…` id; default derived from the answer id. */
  id?: string;
  /** Seconds since epoch. */
  createdAt?: number;
  /** The parsed request, so the answer echoes its settings as OpenAI does. */
  request?: ChatRequest;
}

export function responseId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id}`;
}

/** Item ids derive from the response id, so one answer always renders the same ids. */
export function itemIds(respId: string) {
  const base = respId.startsWith('resp_') ? respId.slice(5) : respId;
  return { message: `msg_${base}`, reasoning: `rs_${base}`, call: (i: number) => `fc_${base}_${i}` };
}

export function toResponsesUsage(u: Usage) {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** `completed`, or `incomplete` with OpenAI's reason when the answer was cut short. */
export function statusOf(reason: FinishReason | undefined): {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
} {
  if (reason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export function textPart(text: string, logprobs: unknown[] = []) {
  return { type: 'output_text', text, annotations: [], logprobs };
}

export function messageItem(id: string, text: string, status: string, logprobs?: unknown[]) {
  return {
    type: 'message',
    id,
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [textPart(text, logprobs)],
  };
}

export function reasoningItem(id: string, text: string | undefined) {
  return {
    type: 'reasoning',
    id,
    summary: [],
    content: text === undefined ? [] : [{ type: 'reasoning_text', text }],
  };
}

export function functionCallItem(id: string, call: ToolCall, status: string) {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

/** The request's `text.format`, echoed from the Chat Completions `response_format` it was translated into. */
function textFormatOf(req: ChatRequest | undefined): Record<string, unknown> {
  const rf = req?.extraDialect === 'openai' ? req.extra.response_format : undefined;
  if (rf === null || typeof rf !== 'object') return { type: 'text' };
  const f = rf as { type?: unknown; json_schema?: Record<string, unknown> };
  if (f.type === 'json_object') return { type: 'json_object' };
  if (f.type === 'json_schema' && f.json_schema) return { type: 'json_schema', ...f.json_schema };
  return { type: 'text' };
}

/** The response envelope; `output`, status and usage are filled by the caller. */
export function responseEnvelope(id: string, model: string, createdAt: number, req: ChatRequest | undefined) {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress' as string,
    error: null as unknown,
    incomplete_details: null as unknown,
    instructions: req && req.system.length > 0 ? req.system.join('\n\n') : null,
    max_output_tokens: req?.maxTokens ?? null,
    model,
    output: [] as unknown[],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: req?.temperature ?? null,
    text: { format: textFormatOf(req) },
    tool_choice:
      req?.toolChoice === undefined
        ? 'auto'
        : typeof req.toolChoice === 'string'
          ? req.toolChoice
          : { type: 'function', name: req.toolChoice.name },
    tools: (req?.tools ?? []).map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description ?? null,
      parameters: t.parameters,
      strict: t.strict ?? false,
    })),
    top_p: req?.topP ?? null,
    truncation: 'disabled',
    usage: null as unknown,
    user: req?.user ?? null,
    metadata: {},
  };
}

function logprobsOf(value: unknown): unknown[] {
  const content = (value as { content?: unknown } | null | undefined)?.content;
  return Array.isArray(content) ? content : [];
}

/** Renders the full Responses API JSON for a non-streamed answer. */
export function renderResponse(resp: ChatResponse, opts: ResponsesRenderOptions = {}): object {
  const id = opts.id ?? responseId(resp.id);
  const ids = itemIds(id);
  const out = responseEnvelope(id, resp.model, opts.createdAt ?? Math.floor(Date.now() / 1000), opts.request);
  if (resp.reasoning !== undefined) out.output.push(reasoningItem(ids.reasoning, resp.reasoning));
  // A message item is sent when there is text, or when there is nothing else to send.
  if (resp.text !== '' || resp.toolCalls.length === 0) {
    out.output.push(messageItem(ids.message, resp.text, 'completed', logprobsOf(resp.logprobs)));
  }
  resp.toolCalls.forEach((c, i) => {
    out.output.push(functionCallItem(ids.call(i), c, 'completed'));
  });
  const s = statusOf(resp.finishReason);
  out.status = s.status;
  out.incomplete_details = s.incomplete_details;
  out.usage = toResponsesUsage(resp.usage);
  return out;
}
