/**
 * Upstream side: the canonical ChatRequest → an Anthropic Messages request body. Anthropic differs from
 * the canonical shape in ways that need care: one system string, tool results as `tool_result` blocks in
 * a user turn, alternating turns, non-empty text blocks, max_tokens required, temperature in 0..1.
 */
import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import { EXTRA_DISABLE_PARALLEL } from './parse-request.js';
import { parseToolInput } from './render-message.js';

/** Sent when the client gave no max_tokens (Anthropic requires one). */
export const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/**
 * Requests an Anthropic upstream cannot answer as asked, where dropping the field would change what the
 * client gets back rather than how it is made: several choices (`n` > 1), and a JSON-only answer
 * (`response_format` / Responses `text.format` of type `json_object` or `json_schema`; the Messages API has
 * no JSON mode). Refused with PCX_UNSUPPORTED (400) in the client's dialect, naming the field.
 */
export function anthropicRefusal(req: ChatRequest, provider: string): PortcullisError | undefined {
  if (req.n !== undefined && req.n > 1) {
    return new PortcullisError(
      'PCX_UNSUPPORTED',
      `n: provider "${provider}" (anthropic) returns one choice per request; send n: 1 (or leave it out) and repeat the request for more`,
      { param: 'n' },
    );
  }
  const rf = req.extraDialect === 'openai' ? req.extra.response_format : undefined;
  const type = rf !== null && typeof rf === 'object' ? (rf as { type?: unknown }).type : undefined;
  if (type === 'json_object' || type === 'json_schema') {
    return new PortcullisError(
      'PCX_UNSUPPORTED',
      `response_format: provider "${provider}" (anthropic) has no JSON mode, so a ${type} answer (Responses: text.format) cannot be guaranteed; ask for JSON in the prompt or use a model served by an OpenAI-compatible provider`,
      { param: 'response_format' },
    );
  }
  return undefined;
}

/**
 * Canonical fields an Anthropic upstream cannot honour; they are dropped. The gateway may record them as a
 * decision so the client learns why, e.g., its logprobs are missing. (`n` > 1 is refused: anthropicRefusal.)
 */
export function anthropicDroppedFields(req: ChatRequest): string[] {
  const dropped: string[] = [];
  if (req.logprobs) dropped.push('logprobs');
  if (req.topLogprobs !== undefined) dropped.push('top_logprobs');
  if (req.logitBias !== undefined && Object.keys(req.logitBias).length > 0) dropped.push('logit_bias');
  if (req.temperature !== undefined && req.temperature > 1) dropped.push('temperature>1');
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === 'opaque' && p.dialect !== 'anthropic') {
        dropped.push('opaque_content');
        return dropped;
      }
    }
  }
  return dropped;
}

export function renderMessagesBody(req: ChatRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: upstreamModel,
    messages: renderTurns(req.messages),
    max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
  };
  const system = req.system.filter((s) => s !== '').join('\n\n');
  if (system !== '') body.system = system;
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      input_schema: { type: 'object', ...t.parameters },
    }));
  }
  const disableParallel = req.extraDialect === 'anthropic' && req.extra[EXTRA_DISABLE_PARALLEL] === true;
  if (req.toolChoice !== undefined) body.tool_choice = renderToolChoice(req.toolChoice, disableParallel);
  // OpenAI allows temperature up to 2; Anthropic refuses anything above 1, so the nearest valid value is sent.
  if (req.temperature !== undefined) body.temperature = Math.min(req.temperature, 1);
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.stream) body.stream = true;
  if (req.extraDialect === 'anthropic') {
    // Canonical fields win: guards may have changed them, and `extra` is the client's unchecked copy.
    for (const [k, v] of Object.entries(req.extra)) if (!(k in body) && k !== EXTRA_DISABLE_PARALLEL) body[k] = v;
  }
  return body;
}

function renderToolChoice(choice: ToolChoice, disableParallel: boolean): Block {
  const extra = disableParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === 'auto') return { type: 'auto', ...extra };
  if (choice === 'required') return { type: 'any', ...extra };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.name, ...extra };
}

function renderTurns(messages: readonly ChatMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const content = m.role === 'tool' ? [renderToolResult(m)] : renderParts(m.content);
    if (m.role === 'assistant' && m.toolCalls) {
      for (const c of m.toolCalls)
        content.push({ type: 'tool_use', id: c.id, name: c.name, input: parseToolInput(c.arguments) });
    }
    if (content.length === 0) continue; // Anthropic refuses empty turns
    const last = turns[turns.length - 1];
    // Anthropic wants turns to alternate; consecutive same-role messages (e.g. several tool results) merge.
    if (last && last.role === role) last.content.push(...content);
    else turns.push({ role, content });
  }
  return turns;
}

function renderToolResult(m: ChatMessage): Block {
  const block: Block = { type: 'tool_result', tool_use_id: m.toolCallId ?? '' };
  const parts = renderParts(m.content);
  if (parts.length > 0) block.content = parts;
  if (m.isError) block.is_error = true;
  return block;
}

function renderParts(parts: readonly ContentPart[]): Block[] {
  const out: Block[] = [];
  for (const p of parts) {
    if (p.type === 'text') {
      if (p.text !== '') out.push({ type: 'text', text: p.text });
    } else if (p.type === 'image') {
      const image = renderImage(p);
      if (image) out.push(image);
    } else if (p.dialect === 'anthropic') {
      out.push(p.value as Block);
    }
    // Opaque parts of another dialect (OpenAI audio, files) have no Anthropic form: dropped, see anthropicDroppedFields.
  }
  return out;
}

const DATA_URL = /^data:([^;,]{1,100});base64,/;

function renderImage(p: Extract<ContentPart, { type: 'image' }>): Block | undefined {
  if (p.data !== undefined) {
    return { type: 'image', source: { type: 'base64', media_type: p.mediaType ?? 'image/png', data: p.data } };
  }
  if (p.url === undefined) return undefined;
  // OpenAI clients inline images as data: URLs; Anthropic takes those as base64 sources.
  const m = DATA_URL.exec(p.url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1], data: p.url.slice(m[0].length) } };
  return { type: 'image', source: { type: 'url', url: p.url } };
}
