export { createAnthropicAdapter } from './adapter.js';
export { messagesCodec } from './codec.js';
export { EXTRA_DISABLE_PARALLEL, formatParam, parseMessagesRequest } from './parse-request.js';
export { AnthropicStreamTranslator, parseMessageResponse, toFinishReason } from './parse-response.js';
export {
  anthropicErrorTypeForStatus,
  EXTRA_REDACTED_THINKING,
  EXTRA_STOP_SEQUENCE,
  EXTRA_THINKING_SIGNATURE,
  parseToolInput,
  renderAnthropicError,
  renderMessage,
  statusForAnthropicErrorType,
  toStopReason,
} from './render-message.js';
export { anthropicDroppedFields, DEFAULT_MAX_TOKENS, renderMessagesBody } from './render-request.js';
export { createMessagesStreamRenderer, type MessagesStreamRenderer } from './render-stream.js';
