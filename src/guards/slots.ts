import type { ExchangeRequest } from '../core/exchange.js';
import type { TextRole } from './types.js';

/** One text of a request the guards inspect, with where it sits and how to replace it. */
export interface TextSlot {
  /** `request.system.0`, `request.messages.2.content.0`, `request.messages.3.tool_calls.0.arguments`, `request.input.1`. */
  readonly where: string;
  readonly role: TextRole;
  readonly text: string;
  set(text: string): void;
}

/**
 * Every text of the canonical request: system strings, text parts of messages (role `tool` for tool
 * results: indirect injection), assistant tool-call arguments, tool descriptions (role `tool`), and
 * embeddings inputs. Tool parameter schemas and images are not inspected.
 */
export function collectSlots(request: ExchangeRequest): TextSlot[] {
  const slots: TextSlot[] = [];
  if (request.kind === 'embeddings') {
    const input = request.embeddings.input;
    input.forEach((text, i) => {
      slots.push({
        where: `request.input.${i}`,
        role: 'user',
        text,
        set: (t) => {
          input[i] = t;
        },
      });
    });
    return slots;
  }
  if (request.kind !== 'chat') return slots;
  const chat = request.chat;
  chat.system.forEach((text, i) => {
    slots.push({
      where: `request.system.${i}`,
      role: 'system',
      text,
      set: (t) => {
        chat.system[i] = t;
      },
    });
  });
  chat.messages.forEach((msg, m) => {
    const role: TextRole = msg.role;
    msg.content.forEach((part, c) => {
      if (part.type !== 'text') return;
      slots.push({
        where: `request.messages.${m}.content.${c}`,
        role,
        text: part.text,
        set: (t) => {
          msg.content[c] = { ...part, text: t };
        },
      });
    });
    msg.toolCalls?.forEach((call, k) => {
      slots.push({
        where: `request.messages.${m}.tool_calls.${k}.arguments`,
        role: 'assistant',
        text: call.arguments,
        set: (t) => {
          msg.toolCalls![k] = { ...call, arguments: t };
        },
      });
    });
  });
  // Tool descriptions come from whatever supplies the tools (an MCP server, a plugin): like tool results,
  // they are third-party text the model reads as instructions, so they are judged as indirect (`tool`).
  chat.tools?.forEach((tool, i) => {
    if (tool.description === undefined) return;
    slots.push({
      where: `request.tools.${i}.description`,
      role: 'tool',
      text: tool.description,
      set: (t) => {
        chat.tools![i] = { ...tool, description: t };
      },
    });
  });
  return slots;
}
