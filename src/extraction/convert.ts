/**
 * Trace body → canonical ChatRequest, for OpenAI (chat/completions, completions, responses) and
 * Anthropic (messages) bodies. Self-contained and tolerant on purpose: it reads recorded traffic of
 * any vintage, so unknown fields are ignored and wrong types become absent values, never exceptions.
 * The gateway's own adapters (src/providers) are strict; this is not a substitute for them.
 */
import type { ChatMessage, ChatRequest, ContentPart, Dialect } from '../core/chat.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Text of a content value: a string, or an array of parts of either dialect. */
function contentParts(v: unknown): ContentPart[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  if (!Array.isArray(v)) return [];
  const out: ContentPart[] = [];
  for (const p of v) {
    if (typeof p === 'string') out.push({ type: 'text', text: p });
    else if (isObj(p)) {
      const text = str(p.text) ?? str(p.thinking);
      if (text !== undefined) out.push({ type: 'text', text });
      else if (p.type === 'tool_result') out.push(...contentParts(p.content));
      else if (p.type === 'image' || p.type === 'image_url' || p.type === 'input_image') out.push({ type: 'image' });
    }
  }
  return out;
}

function textOf(v: unknown): string {
  return contentParts(v)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('\n');
}

function role(v: unknown): ChatMessage['role'] | 'system' {
  if (v === 'system' || v === 'developer') return 'system';
  if (v === 'assistant' || v === 'model') return 'assistant';
  if (v === 'tool' || v === 'function') return 'tool';
  return 'user';
}

function pushMessages(list: unknown, system: string[], messages: ChatMessage[]): void {
  if (!Array.isArray(list)) return;
  for (const m of list) {
    if (typeof m === 'string') {
      messages.push({ role: 'user', content: [{ type: 'text', text: m }] });
      continue;
    }
    if (!isObj(m)) continue;
    // Responses API items without a role (function_call_output, reasoning, …) are tool traffic.
    if (m.role === undefined && m.type !== undefined && m.type !== 'message') {
      if (m.type === 'function_call_output')
        messages.push({ role: 'tool', content: contentParts(str(m.output) ?? '') });
      continue;
    }
    const r = role(m.role);
    if (r === 'system') system.push(textOf(m.content));
    else messages.push({ role: r, content: contentParts(m.content) });
  }
}

function base(model: unknown, dialect: Dialect): ChatRequest {
  return { model: str(model) ?? '', system: [], messages: [], stream: false, extra: {}, extraDialect: dialect };
}

function commonParams(b: Obj, req: ChatRequest): void {
  req.temperature = num(b.temperature);
  req.topP = num(b.top_p);
  req.stream = b.stream === true;
}

/** Reasoning-related request fields, kept in `extra` under their dialect's names. */
function keepReasoning(b: Obj, req: ChatRequest): void {
  for (const k of ['reasoning_effort', 'reasoning', 'thinking', 'include'] as const) {
    if (b[k] !== undefined) req.extra[k] = b[k];
  }
}

function openaiChat(b: Obj): ChatRequest {
  const req = base(b.model, 'openai');
  pushMessages(b.messages, req.system, req.messages);
  commonParams(b, req);
  req.maxTokens = num(b.max_completion_tokens) ?? num(b.max_tokens);
  req.n = num(b.n);
  req.logprobs = b.logprobs === true ? true : undefined;
  req.topLogprobs = num(b.top_logprobs);
  if (isObj(b.logit_bias)) req.logitBias = b.logit_bias as Record<string, number>;
  req.user = str(b.user);
  if (Array.isArray(b.tools))
    req.tools = b.tools.map((t) => ({
      name: isObj(t) && isObj(t.function) ? (str(t.function.name) ?? '') : '',
      parameters: {},
    }));
  keepReasoning(b, req);
  return req;
}

function openaiCompletions(b: Obj): ChatRequest {
  const req = base(b.model, 'openai');
  const prompt = Array.isArray(b.prompt)
    ? b.prompt.filter((p) => typeof p === 'string').join('\n')
    : (str(b.prompt) ?? '');
  req.messages.push({ role: 'user', content: [{ type: 'text', text: prompt }] });
  commonParams(b, req);
  req.maxTokens = num(b.max_tokens);
  req.n = num(b.n);
  // Legacy completions take `logprobs: <int>` (how many alternatives per token).
  const lp = num(b.logprobs);
  if (lp !== undefined && lp > 0) {
    req.logprobs = true;
    req.topLogprobs = lp;
  }
  if (isObj(b.logit_bias)) req.logitBias = b.logit_bias as Record<string, number>;
  req.user = str(b.user);
  return req;
}

function openaiResponses(b: Obj): ChatRequest {
  const req = base(b.model, 'openai');
  const instructions = str(b.instructions);
  if (instructions) req.system.push(instructions);
  if (typeof b.input === 'string') req.messages.push({ role: 'user', content: [{ type: 'text', text: b.input }] });
  else pushMessages(b.input, req.system, req.messages);
  commonParams(b, req);
  req.maxTokens = num(b.max_output_tokens);
  req.topLogprobs = num(b.top_logprobs);
  if (req.topLogprobs !== undefined && req.topLogprobs > 0) req.logprobs = true;
  req.user = str(b.user) ?? str(b.safety_identifier);
  if (Array.isArray(b.tools))
    req.tools = b.tools.map((t) => ({ name: isObj(t) ? (str(t.name) ?? '') : '', parameters: {} }));
  keepReasoning(b, req);
  return req;
}

function anthropicMessages(b: Obj): ChatRequest {
  const req = base(b.model, 'anthropic');
  const sys = b.system;
  if (typeof sys === 'string') req.system.push(sys);
  else if (Array.isArray(sys)) req.system.push(textOf(sys));
  pushMessages(b.messages, req.system, req.messages);
  commonParams(b, req);
  req.maxTokens = num(b.max_tokens);
  if (isObj(b.metadata)) req.user = str(b.metadata.user_id);
  if (Array.isArray(b.tools))
    req.tools = b.tools.map((t) => ({ name: isObj(t) ? (str(t.name) ?? '') : '', parameters: {} }));
  keepReasoning(b, req);
  return req;
}

/**
 * Converts a recorded request body. The path decides the dialect; with an unknown path the body's
 * shape does (Anthropic bodies have `max_tokens` and a top-level `system`, Responses bodies `input`).
 * Returns null when the body is not an object.
 */
export function bodyToChatRequest(path: string | undefined, body: unknown): ChatRequest | null {
  if (!isObj(body)) return null;
  const p = path ?? '';
  if (p.endsWith('/messages')) return anthropicMessages(body);
  if (p.endsWith('/chat/completions')) return openaiChat(body);
  if (p.endsWith('/completions')) return openaiCompletions(body);
  if (p.endsWith('/responses')) return openaiResponses(body);
  if (body.input !== undefined) return openaiResponses(body);
  if (body.prompt !== undefined) return openaiCompletions(body);
  if (body.system !== undefined || isObj(body.thinking)) return anthropicMessages(body);
  return openaiChat(body);
}
