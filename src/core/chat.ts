/**
 * The canonical conversation: the one shape every client dialect is parsed into and every upstream
 * dialect is rendered from. Guards, extraction features and the audit log read only this shape.
 * Fields a dialect has and this shape lacks travel in `extra` and are forwarded only to an upstream of
 * the same dialect.
 */

export type Dialect = 'openai' | 'anthropic';

/** Which client API an exchange arrived on. */
export type Endpoint = 'chat' | 'responses' | 'messages' | 'count_tokens' | 'embeddings' | 'models';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url?: string; data?: string; mediaType?: string }
  /** A part the canonical shape does not model (audio, documents, …): forwarded as is to the same dialect. */
  | { type: 'opaque'; dialect: Dialect; value: unknown };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, exactly as the model produced it. */
  arguments: string;
}

export interface ToolDef {
  name: string;
  description?: string;
  /** JSON Schema of the parameters. */
  parameters: Record<string, unknown>;
  /** OpenAI structured outputs: the arguments must follow `parameters` exactly. */
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface ChatMessage {
  role: 'user' | 'assistant' | 'tool';
  content: ContentPart[];
  /** Assistant messages: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool messages: which call this is the result of. */
  toolCallId?: string;
  /** Tool messages: whether the tool reported an error (Anthropic `is_error`). */
  isError?: boolean;
  name?: string;
}

export interface ChatRequest {
  /** The public model name the client asked for. */
  model: string;
  /** System instructions, in order (OpenAI `system`/`developer` messages, Anthropic `system`). */
  system: string[];
  messages: ChatMessage[];
  tools?: ToolDef[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  stream: boolean;
  /** Ask the upstream to report usage in the stream (OpenAI `stream_options.include_usage`). */
  streamUsage?: boolean;
  n?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  logitBias?: Record<string, number>;
  /** End-user id supplied by the client (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** Dialect-specific fields, forwarded only to an upstream speaking `extraDialect`. */
  extra: Record<string, unknown>;
  extraDialect: Dialect;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** A further answer to the same request (OpenAI `n` > 1); the first answer is the ChatResponse itself. */
export interface ChatChoice {
  /** 1, 2, …: the choice's OpenAI `index`. */
  index: number;
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  logprobs?: unknown;
}

export interface ChatResponse {
  id: string;
  /** The model name as the client should see it (the public name). */
  model: string;
  text: string;
  /** Reasoning / thinking text, when the upstream returned it. */
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** Per-token log probabilities, when requested and returned (OpenAI shape, passed through). */
  logprobs?: unknown;
  /** Choices after the first (OpenAI `n` > 1), in index order. Absent for a single answer. */
  choices?: ChatChoice[];
  extra: Record<string, unknown>;
  extraDialect: Dialect;
}

/**
 * One event of a streamed answer, dialect-neutral. `choice` is the OpenAI choice index for `n` > 1 (absent
 * means 0); renderers of dialects with a single answer ignore events of other choices.
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'text'; text: string; choice?: number }
  | { type: 'reasoning'; text: string; choice?: number }
  /** The signature that closes a reasoning (Anthropic thinking) block; clients send it back with the block. */
  | { type: 'reasoning_signature'; signature: string }
  | { type: 'tool_call'; index: number; id: string; name: string; choice?: number }
  | { type: 'tool_args'; index: number; delta: string; choice?: number }
  | { type: 'logprobs'; value: unknown; choice?: number }
  | { type: 'finish'; reason: FinishReason; choice?: number }
  | { type: 'usage'; usage: Usage }
  /** An upstream error in the middle of a stream. */
  | { type: 'error'; status: number; message: string };

/** Embeddings are forwarded, not translated; guards see the input texts. */
export interface EmbeddingsRequest {
  model: string;
  input: string[];
  extra: Record<string, unknown>;
}
