/**
 * Client side: canonical StreamEvents → Anthropic Messages SSE, in the documented order:
 * message_start, then per block content_block_start / content_block_delta… / content_block_stop,
 * then message_delta (stop_reason, usage) and message_stop. A mid-stream upstream error becomes an
 * `error` event and ends the stream. https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import type { FinishReason, StreamEvent, Usage } from '../../core/chat.js';
import { ContentBlockTracker, type TrackedBlock } from '../block-tracker.js';
import { formatSse } from '../sse.js';
import { anthropicErrorTypeForStatus, renderAnthropicError, toStopReason } from './render-message.js';

export interface MessagesStreamRenderer {
  render(ev: StreamEvent): string[];
  end(): string[];
}

function sse(event: string, data: Record<string, unknown>): string {
  return formatSse(JSON.stringify({ type: event, ...data }), event);
}

/**
 * Deltas are most of a stream's events, so they are written from fixed pieces and one JSON.stringify of the
 * text, not by building and serialising an object per event. Same bytes as `sse()` would produce.
 */
function delta(index: number, kind: 'text_delta' | 'thinking_delta' | 'input_json_delta', text: string): string {
  const field = kind === 'text_delta' ? 'text' : kind === 'thinking_delta' ? 'thinking' : 'partial_json';
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${kind}","${field}":${JSON.stringify(text)}}}\n\n`;
}

export function createMessagesStreamRenderer(opts: { id: string; model: string }): MessagesStreamRenderer {
  let started = false;
  let finished = false;
  // A block's position is its Anthropic content block `index`.
  const blocks = new ContentBlockTracker<TrackedBlock>(closeBlock);
  let finish: FinishReason = 'stop';
  let usage: Usage | undefined;
  /**
   * The upstream's thinking signature, sent as `signature_delta` just before the thinking block closes: text
   * a response filter held back still lands in the block first, as Anthropic orders it.
   */
  let signature: string | undefined;

  function start(out: string[]): void {
    if (started) return;
    started = true;
    out.push(
      sse('message_start', {
        message: {
          id: opts.id,
          type: 'message',
          role: 'assistant',
          model: opts.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }),
    );
  }

  function closeBlock(block: TrackedBlock, out: string[]): void {
    if (block.kind === 'reasoning' && signature !== undefined) {
      out.push(sse('content_block_delta', { index: block.position, delta: { type: 'signature_delta', signature } }));
      signature = undefined;
    }
    out.push(sse('content_block_stop', { index: block.position }));
  }

  /** A `make` for the tracker: announces the block with `content_block_start`. */
  const starting =
    (out: string[], kind: TrackedBlock['kind'], contentBlock: Record<string, unknown>) =>
    (position: number): TrackedBlock => {
      out.push(sse('content_block_start', { index: position, content_block: contentBlock }));
      return { kind, position };
    };

  return {
    render(ev: StreamEvent): string[] {
      if (finished) return [];
      // One answer per Messages response: further choices (OpenAI n > 1) have no place here.
      if ('choice' in ev && ev.choice !== undefined && ev.choice !== 0) return [];
      const out: string[] = [];
      start(out);
      switch (ev.type) {
        case 'reasoning_signature':
          signature = ev.signature;
          break;
        case 'start':
        case 'logprobs':
          break;
        case 'text': {
          if (ev.text === '') break;
          const block = blocks.continue(out, 'text', starting(out, 'text', { type: 'text', text: '' }));
          out.push(delta(block.position, 'text_delta', ev.text));
          break;
        }
        case 'reasoning': {
          if (ev.text === '') break;
          const thinking = { type: 'thinking', thinking: '', signature: '' };
          const block = blocks.continue(out, 'reasoning', starting(out, 'reasoning', thinking));
          out.push(delta(block.position, 'thinking_delta', ev.text));
          break;
        }
        case 'tool_call':
          blocks.openTool(
            out,
            ev.index,
            starting(out, 'tool', { type: 'tool_use', id: ev.id, name: ev.name, input: {} }),
          );
          break;
        case 'tool_args': {
          // Arguments for a call whose block is no longer the open one (interleaved parallel calls from an
          // OpenAI upstream) still go to that call's block index, which is how clients accumulate them.
          const block = blocks.tool(ev.index);
          if (block === undefined || ev.delta === '') break;
          out.push(delta(block.position, 'input_json_delta', ev.delta));
          break;
        }
        case 'finish':
          finish = ev.reason;
          break;
        case 'usage':
          usage = ev.usage;
          break;
        case 'error':
          finished = true;
          out.push(
            sse('error', { error: renderAnthropicError(anthropicErrorTypeForStatus(ev.status), ev.message).error }),
          );
          break;
      }
      return out;
    },

    end(): string[] {
      if (finished) return [];
      finished = true;
      const out: string[] = [];
      start(out);
      blocks.close(out);
      const deltaUsage: Record<string, number> = { output_tokens: usage?.outputTokens ?? 0 };
      if (usage) deltaUsage.input_tokens = usage.inputTokens;
      out.push(
        sse('message_delta', { delta: { stop_reason: toStopReason(finish), stop_sequence: null }, usage: deltaUsage }),
      );
      out.push(sse('message_stop', {}));
      return out;
    },
  };
}
