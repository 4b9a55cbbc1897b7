/**
 * The zod schema of an Anthropic Messages API request (`POST /v1/messages`), as clients send it.
 * Everything here is attacker-controlled. Block types the canonical shape models are validated
 * strictly; block types it does not model but Anthropic documents are accepted as opaque values.
 * Unknown block types are refused, so no content can slip past the guards under a made-up type.
 * https://docs.anthropic.com/en/api/messages
 */
import { z } from 'zod';

/** Bounds on counts so a hostile body cannot make the parser or the guards do unbounded work. */
export const MAX_MESSAGES = 10_000;
export const MAX_BLOCKS = 10_000;
export const MAX_TOOLS = 1_000;
export const MAX_STOP_SEQUENCES = 64;

const cacheControl = z.object({ type: z.string() }).passthrough().optional();

export const textBlockSchema = z
  .object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl, citations: z.unknown().optional() })
  .strict();

export const imageBlockSchema = z
  .object({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [
      z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }).strict(),
      z.object({ type: z.literal('url'), url: z.string().min(1) }).strict(),
    ]),
    cache_control: cacheControl,
  })
  .strict();

const toolUseBlockSchema = z
  .object({
    type: z.literal('tool_use'),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    cache_control: cacheControl,
  })
  .strict();

/** Block types Anthropic documents that the canonical shape carries opaquely (forwarded only to Anthropic). */
export const OPAQUE_BLOCK_TYPES = ['thinking', 'redacted_thinking', 'document', 'search_result'] as const;

const opaqueBlockSchema = z.object({ type: z.enum(OPAQUE_BLOCK_TYPES) }).passthrough();

const toolResultContentBlock = z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema, opaqueBlockSchema]);

const toolResultBlockSchema = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(toolResultContentBlock).max(MAX_BLOCKS)]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .strict();

export const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  opaqueBlockSchema,
]);

export type AnthropicContentBlock = z.infer<typeof contentBlockSchema>;

const messageSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.union([z.string(), z.array(contentBlockSchema).max(MAX_BLOCKS)]),
  })
  .strict();

const toolSchema = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
    type: z.literal('custom').optional(),
    cache_control: cacheControl,
  })
  .strict();

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z
    .object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() })
    .strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

/** Known fields; any other top-level field travels in `extra` (e.g. `thinking`, `service_tier`). */
export const messagesRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
    system: z.union([z.string(), z.array(textBlockSchema).max(MAX_BLOCKS)]).optional(),
    max_tokens: z.number().int().positive(),
    tools: z.array(toolSchema).max(MAX_TOOLS).optional(),
    tool_choice: toolChoiceSchema.optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().nonnegative().optional(),
    stop_sequences: z.array(z.string()).max(MAX_STOP_SEQUENCES).optional(),
    stream: z.boolean().optional(),
    metadata: z
      .object({ user_id: z.string().max(256).nullable().optional() })
      .strict()
      .optional(),
  })
  .passthrough();

export type MessagesRequestBody = z.infer<typeof messagesRequestSchema>;
