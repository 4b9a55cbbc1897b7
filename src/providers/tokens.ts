/**
 * Token estimates for `POST /v1/messages/count_tokens` and for limits before the upstream has answered.
 * gpt-tokenizer's o200k encoding is not any vendor's exact tokenizer, so this is an estimate: close enough
 * to size a request, never a bill. The per-message and per-tool overheads follow OpenAI's published
 * chat accounting (a few tokens of framing per message).
 */
import { createRequire } from 'node:module';
import type { ChatRequest, ContentPart } from '../core/chat.js';

interface Bpe {
  countTokens(text: string, opts: { disallowedSpecial: Set<string> }): number;
}
let bpe: Bpe | undefined;

/**
 * The tokenizer's vocabulary costs about 30 MB of memory (measured: RSS 96 → 125 MB on import), and a
 * gateway without token limits only needs it for `count_tokens`: it is loaded on first use. The gateway
 * loads it at start when limits are configured, so no request pays the load.
 */
export function loadTokenizer(): Bpe {
  bpe ??= createRequire(import.meta.url)('gpt-tokenizer') as Bpe;
  return bpe;
}

const PER_MESSAGE = 3;
const PER_TOOL = 8;
const PER_REPLY = 3;
/** Images cost by size upstream; without decoding them, a typical ~1 MP image's cost is assumed. */
export const IMAGE_TOKENS = 1_600;

// Client text is attacker-controlled: special-token strings such as <|endoftext|> are counted as plain
// text rather than making the tokenizer throw.
const NO_SPECIALS = { disallowedSpecial: new Set<string>() };

export function countText(text: string): number {
  return text === '' ? 0 : loadTokenizer().countTokens(text, NO_SPECIALS);
}

/** JSON values from clients may be nested too deeply to serialise; those count as nothing rather than crash a count. */
function countJson(value: unknown): number {
  try {
    return countText(JSON.stringify(value) ?? '');
  } catch {
    return 0;
  }
}

function countPart(p: ContentPart): number {
  if (p.type === 'text') return countText(p.text);
  if (p.type === 'image') return IMAGE_TOKENS;
  return countJson(p.value);
}

export function countTokens(req: ChatRequest): number {
  let n = PER_REPLY;
  for (const s of req.system) n += PER_MESSAGE + countText(s);
  for (const m of req.messages) {
    n += PER_MESSAGE;
    for (const p of m.content) n += countPart(p);
    if (m.toolCalls) for (const c of m.toolCalls) n += countText(c.name) + countText(c.arguments);
  }
  if (req.tools) {
    for (const t of req.tools) {
      n += PER_TOOL + countText(t.name) + countText(t.description ?? '') + countJson(t.parameters);
    }
  }
  return n;
}
