/**
 * Client side: canonical stream events rendered as Chat Completions SSE (`chat.completion.chunk`
 * objects, then `data: [DONE]`). One renderer per answer; it keeps only the little state the format
 * needs (whether the role chunk went out, whether the stream has ended).
 */
import type { StreamEvent } from '../../core/chat.js';
import { formatSse } from '../sse.js';
import { toOpenAIFinish, toOpenAIUsage } from './chat-response.js';
import { renderStreamError } from './error-body.js';

export interface ChatCompletionsStreamOptions {
  id: string;
  /** The public model name. */
  model: string;
  /** Seconds since epoch, the same on every chunk. */
  created: number;
  /** The client asked for `stream_options.include_usage`: send a final usage chunk with empty choices. */
  includeUsage: boolean;
}

export interface StreamRenderer {
  /** SSE strings for one event (possibly none). */
  render(ev: StreamEvent): string[];
  /** SSE strings that close the stream. Call once; later events are ignored. */
  end(): string[];
}

export function createChatCompletionsStreamRenderer(opts: ChatCompletionsStreamOptions): StreamRenderer {
  const head = `{"id":${JSON.stringify(opts.id)},"object":"chat.completion.chunk","created":${Math.floor(opts.created)},"model":${JSON.stringify(opts.model)}`;
  let started = false;
  let ended = false;
  /** Choices after the first (n > 1) whose role chunk has gone out. */
  const startedChoices = new Set<number>();

  // Chunks are built by concatenation around a prefix fixed per stream: this runs per token.
  function chunk(delta: string, finish: string | null = null, logprobs = 'null', index = 0): string {
    return formatSse(
      `${head},"choices":[{"index":${index},"delta":${delta},"logprobs":${logprobs},"finish_reason":${finish}}]}`,
    );
  }

  /** The role chunk of the first choice goes out with the first event; a later choice's before its first delta. */
  function ensureStarted(out: string[], choice = 0): void {
    if (!started) {
      started = true;
      out.push(chunk('{"role":"assistant","content":""}'));
    }
    if (choice !== 0 && !startedChoices.has(choice)) {
      startedChoices.add(choice);
      out.push(chunk('{"role":"assistant","content":""}', null, 'null', choice));
    }
  }

  return {
    render(ev) {
      if (ended) return [];
      const out: string[] = [];
      switch (ev.type) {
        case 'start':
          ensureStarted(out);
          break;
        case 'text': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          if (ev.text !== '') out.push(chunk(`{"content":${JSON.stringify(ev.text)}}`, null, 'null', c));
          break;
        }
        case 'reasoning': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          if (ev.text !== '') out.push(chunk(`{"reasoning_content":${JSON.stringify(ev.text)}}`, null, 'null', c));
          break;
        }
        case 'tool_call': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          const call = { index: ev.index, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } };
          out.push(chunk(JSON.stringify({ tool_calls: [call] }), null, 'null', c));
          break;
        }
        case 'tool_args': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          if (ev.delta !== '') {
            const delta = JSON.stringify({ tool_calls: [{ index: ev.index, function: { arguments: ev.delta } }] });
            out.push(chunk(delta, null, 'null', c));
          }
          break;
        }
        case 'logprobs': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          out.push(chunk('{}', null, JSON.stringify(ev.value ?? null), c));
          break;
        }
        case 'finish': {
          const c = ev.choice ?? 0;
          ensureStarted(out, c);
          out.push(chunk('{}', `"${toOpenAIFinish(ev.reason)}"`, 'null', c));
          break;
        }
        case 'reasoning_signature':
          break;
        case 'usage':
          if (opts.includeUsage) {
            out.push(formatSse(`${head},"choices":[],"usage":${JSON.stringify(toOpenAIUsage(ev.usage))}}`));
          }
          break;
        case 'error':
          // The status line has gone out; the SDKs raise an APIError for a chunk with an `error` field.
          out.push(formatSse(JSON.stringify(renderStreamError(ev.status, ev.message))));
          break;
      }
      return out;
    },
    end() {
      if (ended) return [];
      ended = true;
      return [formatSse('[DONE]')];
    },
  };
}
