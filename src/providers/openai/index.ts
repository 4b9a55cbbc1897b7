/** The OpenAI dialect: client-side parsing and rendering, and the upstream adapter. */
export { createOpenAIAdapter, MAX_UPSTREAM_JSON } from './adapter.js';
export { MAX_MESSAGES, MAX_TOOLS, parseChatCompletionsRequest } from './chat-request.js';
export { renderChatCompletion, toOpenAIFinish, toOpenAIUsage } from './chat-response.js';
export {
  type ChatCompletionsStreamOptions,
  createChatCompletionsStreamRenderer,
  type StreamRenderer,
} from './chat-stream.js';
export { type OpenAIErrorBody, renderOpenAIError, renderStreamError } from './error-body.js';
export { parseResponsesRequest } from './responses-request.js';
export { type ResponsesRenderOptions, renderResponse } from './responses-response.js';
export { createResponsesStreamRenderer, type ResponsesStreamOptions } from './responses-stream.js';
export { MAX_UPSTREAM_MESSAGE, upstreamMessage } from './upstream-errors.js';
export { renderUpstreamChatRequest, type TokenCapField, tokenCapFieldFor } from './upstream-request.js';
export { ChatChunkDecoder, fromOpenAIFinish, parseUpstreamCompletion } from './upstream-response.js';
