/**
 * Client side: canonical stream events rendered as the Responses API event sequence
 * (response.created → in_progress → per item: output_item.added, content_part.added, deltas, done
 * events, output_item.done → response.completed | incomplete | failed), each with `sequence_number`.
 * Items are opened one at a time and closed when the next begins, as OpenAI does; the final
 * `response.completed` carries the whole answer so SDK accumulators and late joiners agree.
 */
import type { ChatRequest, FinishReason, StreamEvent, ToolCall, Usage } from '../../core/chat.js';
import { ContentBlockTracker, type TrackedBlock } from '../block-tracker.js';
import { formatSse } from '../sse.js';
import type { StreamRenderer } from './chat-stream.js';
import {
  functionCallItem,
  itemIds,
  messageItem,
  reasoningItem,
  responseEnvelope,
  responseId,
  statusOf,
  textPart,
  toResponsesUsage,
} from './responses-response.js';

export interface ResponsesStreamOptions {
  /** The response id (`resp_` is prefixed when missing). */
  id: string;
  /** The public model name. */
  model: string;
  /** Seconds since epoch. */
  created: number;
  request?: ChatRequest;
}

/** An output item; `kind` text is a message item, tool a function call; `position` is its `output_index`. */
interface OpenItem extends TrackedBlock {
  itemId: string;
  text: string;
  call?: ToolCall;
}

export function createResponsesStreamRenderer(opts: ResponsesStreamOptions): StreamRenderer {
  const id = responseId(opts.id);
  const ids = itemIds(id);
  const envelope = responseEnvelope(id, opts.model, Math.floor(opts.created), opts.request);
  const output: unknown[] = [];
  const items = new ContentBlockTracker<OpenItem>(closeItem);
  let seq = 0;
  let created = false;
  let ended = false;
  let finish: FinishReason | undefined;
  let usage: Usage | undefined;
  const opened = { text: 0, reasoning: 0 };

  function emit(out: string[], type: string, fields: Record<string, unknown>): void {
    out.push(formatSse(JSON.stringify({ type, sequence_number: seq++, ...fields }), type));
  }

  function snapshot(status: string): Record<string, unknown> {
    return { ...envelope, status, output: [...output] };
  }

  function ensureCreated(out: string[]): void {
    if (created) return;
    created = true;
    emit(out, 'response.created', { response: snapshot('in_progress') });
    emit(out, 'response.in_progress', { response: snapshot('in_progress') });
  }

  /** Builds the item at `position` (== output.length: every item opened adds one output) and announces it. */
  function openItem(
    out: string[],
    kind: OpenItem['kind'],
    itemId: string,
    position: number,
    call?: ToolCall,
  ): OpenItem {
    const item: OpenItem = { kind, position, itemId, text: '' };
    if (call !== undefined) item.call = call;
    let added: unknown;
    if (kind === 'text') added = messageItem(itemId, '', 'in_progress');
    else if (kind === 'reasoning') added = reasoningItem(itemId, undefined);
    else added = functionCallItem(itemId, call!, 'in_progress');
    output.push(added);
    emit(out, 'response.output_item.added', { output_index: position, item: added });
    const where = { item_id: itemId, output_index: position, content_index: 0 };
    if (kind === 'text') emit(out, 'response.content_part.added', { ...where, part: textPart('') });
    if (kind === 'reasoning')
      emit(out, 'response.content_part.added', { ...where, part: { type: 'reasoning_text', text: '' } });
    return item;
  }

  function closeItem(item: OpenItem, out: string[]): void {
    const where = { item_id: item.itemId, output_index: item.position, content_index: 0 };
    let done: unknown;
    if (item.kind === 'text') {
      emit(out, 'response.output_text.done', { ...where, text: item.text, logprobs: [] });
      emit(out, 'response.content_part.done', { ...where, part: textPart(item.text) });
      done = messageItem(item.itemId, item.text, 'completed');
    } else if (item.kind === 'reasoning') {
      emit(out, 'response.reasoning_text.done', { ...where, text: item.text });
      emit(out, 'response.content_part.done', { ...where, part: { type: 'reasoning_text', text: item.text } });
      done = reasoningItem(item.itemId, item.text);
    } else {
      const call = { ...item.call!, arguments: item.text };
      emit(out, 'response.function_call_arguments.done', {
        item_id: item.itemId,
        output_index: item.position,
        name: call.name,
        arguments: call.arguments,
      });
      done = functionCallItem(item.itemId, call, 'completed');
    }
    output[item.position] = done;
    emit(out, 'response.output_item.done', { output_index: item.position, item: done });
  }

  /**
   * Delta events run once per token: built by concatenation (the same JSON `emit` would produce) rather
   * than by spreading objects into JSON.stringify, which costs an order of magnitude more.
   */
  function delta_(item: OpenItem, type: string, delta: string, before: string, after: string): string {
    const data = `{"type":"${type}","sequence_number":${seq++},"item_id":${JSON.stringify(item.itemId)},"output_index":${item.position}${before},"delta":${JSON.stringify(delta)}${after}}`;
    return formatSse(data, type);
  }

  function textInto(out: string[], kind: 'text' | 'reasoning', delta: string): void {
    if (delta === '') return;
    const item = items.continue(out, kind, (position) => {
      // A second item of one kind (text after a tool call) needs an id of its own.
      const n = opened[kind]++;
      const base = kind === 'text' ? ids.message : ids.reasoning;
      return openItem(out, kind, n === 0 ? base : `${base}_${n}`, position);
    });
    item.text += delta;
    if (kind === 'text')
      out.push(delta_(item, 'response.output_text.delta', delta, ',"content_index":0', ',"logprobs":[]'));
    else out.push(delta_(item, 'response.reasoning_text.delta', delta, ',"content_index":0', ''));
  }

  return {
    render(ev: StreamEvent): string[] {
      if (ended) return [];
      // One answer per response: further choices (n > 1 sent through as an extra) are not rendered.
      if ('choice' in ev && ev.choice !== undefined && ev.choice !== 0) return [];
      const out: string[] = [];
      ensureCreated(out);
      switch (ev.type) {
        case 'text':
          textInto(out, 'text', ev.text);
          break;
        case 'reasoning':
          textInto(out, 'reasoning', ev.text);
          break;
        case 'tool_call': {
          const call = { id: ev.id, name: ev.name, arguments: '' };
          items.openTool(out, ev.index, (position) => openItem(out, 'tool', ids.call(ev.index), position, call));
          break;
        }
        case 'tool_args': {
          const item = items.tool(ev.index);
          if (item === undefined || ev.delta === '') break;
          item.text += ev.delta;
          out.push(delta_(item, 'response.function_call_arguments.delta', ev.delta, '', ''));
          break;
        }
        case 'finish':
          finish = ev.reason;
          break;
        case 'usage':
          usage = ev.usage;
          break;
        case 'error': {
          ended = true;
          emit(out, 'error', { code: 'upstream_error', message: ev.message, param: null });
          const failed = snapshot('failed');
          failed.error = { code: 'server_error', message: ev.message };
          emit(out, 'response.failed', { response: failed });
          break;
        }
        case 'start':
        case 'logprobs':
        case 'reasoning_signature':
          break;
      }
      return out;
    },

    end(): string[] {
      if (ended) return [];
      ended = true;
      const out: string[] = [];
      ensureCreated(out);
      items.close(out);
      const s = statusOf(finish);
      const final = snapshot(s.status);
      final.incomplete_details = s.incomplete_details;
      final.usage = usage === undefined ? null : toResponsesUsage(usage);
      emit(out, s.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
      return out;
    },
  };
}
