/**
 * OpenAI content parts ⇄ canonical parts, shared by Chat Completions and Responses. Parts the canonical
 * shape does not model stay `opaque` so they reach an OpenAI upstream untouched.
 */
import { z } from 'zod';
import type { ContentPart } from '../../core/chat.js';

/** A request may not carry more parts than this in one message (bounds the work per request). */
export const MAX_PARTS = 1_000;

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,/i;

/** Splits a `data:` URL into media type and base64 data, so other dialects can carry the image inline. */
export function imageFromUrl(url: string): ContentPart {
  const m = DATA_URL.exec(url);
  if (m !== null) return { type: 'image', mediaType: m[1]!.toLowerCase(), data: url.slice(m[0].length) };
  return { type: 'image', url };
}

/** The URL OpenAI expects for a canonical image (a `data:` URL when the image is inline). */
export function imageToUrl(part: { url?: string; data?: string; mediaType?: string }): string {
  if (part.url !== undefined) return part.url;
  return `data:${part.mediaType ?? 'application/octet-stream'};base64,${part.data ?? ''}`;
}

/**
 * A schema for one tagged part: known `type`s are checked with their own schema (so errors point into
 * the part), any other `type` is accepted as is. A plain union would report the wrong branch's error.
 */
export function taggedPart(known: Record<string, z.ZodType>): z.ZodType<{ type: string } & Record<string, unknown>> {
  return z.looseObject({ type: z.string() }).superRefine((value, ctx) => {
    const schema = known[value.type];
    if (schema === undefined) return;
    const r = schema.safeParse(value);
    if (r.success) return;
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
}

/** Joins the text parts of a canonical content list (what a plain-string slot upstream receives). */
export function textOf(content: readonly ContentPart[]): string {
  let out = '';
  for (const part of content) if (part.type === 'text') out += part.text;
  return out;
}
