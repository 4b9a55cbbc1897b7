import { createMessagesStreamRenderer, parseMessagesRequest, renderMessage } from '../providers/anthropic/index.js';
import {
  createChatCompletionsStreamRenderer,
  createResponsesStreamRenderer,
  parseChatCompletionsRequest,
  parseResponsesRequest,
  renderChatCompletion,
  renderResponse,
} from '../providers/openai/index.js';
import type { ClientCodec } from './codec.js';

/** The three client APIs that carry a conversation, by route. */
export const CLIENT_CODECS: Record<'chat' | 'responses' | 'messages', ClientCodec> = {
  chat: {
    parse: parseChatCompletionsRequest,
    render: (resp) => renderChatCompletion(resp),
    createStream: (o) =>
      createChatCompletionsStreamRenderer({
        id: o.id,
        model: o.model,
        created: o.created,
        includeUsage: o.includeUsage,
      }),
  },
  responses: {
    parse: parseResponsesRequest,
    render: (resp, request) => renderResponse(resp, { request }),
    createStream: (o) =>
      createResponsesStreamRenderer({ id: o.id, model: o.model, created: o.created, request: o.request }),
  },
  messages: {
    parse: parseMessagesRequest,
    render: (resp) => renderMessage(resp),
    createStream: (o) => createMessagesStreamRenderer({ id: o.id, model: o.model }),
  },
};
