import type { ResponseFilter } from '../../core/exchange.js';
import { PLACEHOLDER_RE } from './placeholders.js';

export const RESTORE_FILTER_NAME = 'guards.restore';

/** `tool:<i>` channels carry JSON arguments: restored values go inside JSON strings, so they are escaped. */
function isJsonChannel(channel: string): boolean {
  return channel.startsWith('tool:');
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Puts redacted values back into the answer. On a stream a placeholder may arrive in pieces (`[EMA` +
 * `IL_1]`): only a tail that is a strict prefix of a known placeholder is held back (so at most the longest
 * placeholder's length minus one), everything else is emitted at once. Unknown or mangled placeholders
 * pass through unchanged.
 */
export function createRestoreFilter(mapping: ReadonlyMap<string, string>): ResponseFilter {
  const prefixes = new Set<string>();
  let longest = 0;
  for (const placeholder of mapping.keys()) {
    longest = Math.max(longest, placeholder.length);
    for (let i = 1; i < placeholder.length; i++) prefixes.add(placeholder.slice(0, i));
  }
  const pending = new Map<string, string>();

  function restore(text: string, json: boolean): string {
    if (text.indexOf('[') < 0) return text;
    return text.replace(PLACEHOLDER_RE, (token) => {
      const value = mapping.get(token);
      if (value === undefined) return token;
      return json ? jsonEscape(value) : value;
    });
  }

  return {
    name: RESTORE_FILTER_NAME,
    push(channel: string, delta: string): string {
      const held = pending.get(channel);
      const text = held === undefined ? delta : held + delta;
      // Only the last `[` can open an unfinished placeholder: placeholders contain no inner `[`.
      const open = text.lastIndexOf('[');
      if (open >= 0 && text.length - open < longest && prefixes.has(text.slice(open))) {
        pending.set(channel, text.slice(open));
        return restore(text.slice(0, open), isJsonChannel(channel));
      }
      if (held !== undefined) pending.delete(channel);
      return restore(text, isJsonChannel(channel));
    },
    flush(channel: string): string {
      const held = pending.get(channel);
      if (held === undefined) return '';
      pending.delete(channel);
      return held;
    },
  };
}
