/**
 * Upstream side: the canonical request rendered as a Chat Completions body for an OpenAI-compatible
 * upstream. Canonical fields are written after `extra`, so a dialect extra can never override what the
 * guards and the extraction defence decided (model, messages, token cap, logprobs).
 */
import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from '../../core/chat.js';
import { PortcullisError } from '../../core/errors.js';
import { toOpenAIToolCalls } from './chat-response.js';
import { imageToUrl, textOf } from './content.js';

function partOut(part: ContentPart): unknown {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image_url', image_url: { url: imageToUrl(part) } };
    case 'opaque':
      if (part.dialect === 'openai') return part.value;
      throw new PortcullisError(
        'PCX_UNSUPPORTED',
        `a content part from the ${part.dialect} API cannot be sent to an OpenAI-compatible upstream`,
      );
  }
}

/** A plain string when the content is text only (what every OpenAI-compatible server accepts). */
function contentOut(content: readonly ContentPart[]): unknown {
  if (content.every((p) => p.type === 'text')) return textOf(content);
  return content.map(partOut);
}

function messageOut(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'user': {
      const out: Record<string, unknown> = { role: 'user', content: contentOut(m.content) };
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case 'assistant': {
      const calls = m.toolCalls ?? [];
      const out: Record<string, unknown> = {
        role: 'assistant',
        content: m.content.length === 0 && calls.length > 0 ? null : contentOut(m.content),
      };
      if (calls.length > 0) out.tool_calls = toOpenAIToolCalls(calls);
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case 'tool':
      // Tool results are text in Chat Completions; an Anthropic `is_error` flag has no equivalent.
      return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: textOf(m.content) };
  }
}

function toolChoiceOut(c: ToolChoice): unknown {
  return typeof c === 'string' ? c : { type: 'function', function: { name: c.name } };
}

/** The Chat Completions body sent upstream. `upstreamModel` replaces the public name. */
/**
 * Which body field carries the token cap. OpenAI's reasoning models refuse `max_tokens`; many
 * compatible servers (Ollama, llama.cpp, older vLLM) know only `max_tokens` and silently ignore the
 * other, which would leave the cap the extraction defence set unenforced.
 */
export type TokenCapField = 'max_tokens' | 'max_completion_tokens';

/** `max_completion_tokens` for OpenAI itself and Azure OpenAI, `max_tokens` for everything else. */
export function tokenCapFieldFor(baseUrl: string, azure: boolean): TokenCapField {
  if (azure) return 'max_completion_tokens';
  const host = new URL(baseUrl).hostname.toLowerCase();
  return host === 'api.openai.com' || host.endsWith('.openai.azure.com') ? 'max_completion_tokens' : 'max_tokens';
}

export function renderUpstreamChatRequest(
  req: ChatRequest,
  upstreamModel: string,
  capField: TokenCapField = 'max_completion_tokens',
): Record<string, unknown> {
  const body: Record<string, unknown> = req.extraDialect === 'openai' ? { ...req.extra } : {};
  const messages: unknown[] = [];
  for (const s of req.system) messages.push({ role: 'system', content: s });
  for (const m of req.messages) messages.push(messageOut(m));
  body.model = upstreamModel;
  body.messages = messages;
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map((t) => {
      const fn: Record<string, unknown> = { name: t.name };
      if (t.description !== undefined) fn.description = t.description;
      fn.parameters = t.parameters;
      if (t.strict !== undefined) fn.strict = t.strict;
      return { type: 'function', function: fn };
    });
  }
  if (req.toolChoice !== undefined) body.tool_choice = toolChoiceOut(req.toolChoice);
  // Neither name may come from extra: the cap is the canonical one, in exactly one field.
  delete body.max_tokens;
  delete body.max_completion_tokens;
  if (req.maxTokens !== undefined) body[capField] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.n !== undefined) body.n = req.n;
  if (req.logprobs !== undefined) body.logprobs = req.logprobs;
  else delete body.logprobs;
  if (req.topLogprobs !== undefined && req.logprobs === true) body.top_logprobs = req.topLogprobs;
  else delete body.top_logprobs;
  if (req.logitBias !== undefined) body.logit_bias = req.logitBias;
  if (req.user !== undefined) body.user = req.user;
  body.stream = req.stream;
  // Usage is needed for budgets and the audit log even when the client did not ask for it.
  if (req.stream) body.stream_options = { include_usage: true };
  else delete body.stream_options;
  return body;
}
