/**
 * The Messages API as one client codec (parse, render, stream renderer), in the shape the gateway's
 * ClientCodec expects. Declared structurally so providers/ does not import gateway/.
 */
import type { ChatRequest, ChatResponse } from '../../core/chat.js';
import { parseMessagesRequest } from './parse-request.js';
import { renderMessage } from './render-message.js';
import { createMessagesStreamRenderer, type MessagesStreamRenderer } from './render-stream.js';

export const messagesCodec: {
  parse(body: unknown): ChatRequest;
  render(resp: ChatResponse): unknown;
  createStream(opts: { id: string; model: string }): MessagesStreamRenderer;
} = {
  parse: parseMessagesRequest,
  render: renderMessage,
  createStream: createMessagesStreamRenderer,
};
