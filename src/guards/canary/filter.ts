import type { ResponseFilter } from '../../core/exchange.js';
import type { Finding } from '../../core/findings.js';
import type { FindingAction } from '../engine.js';
import type { GuardPolicy } from '../policy.js';
import { createCanaryDetector } from './detector.js';

export const CANARY_FILTER_NAME = 'guards.canary';

interface ChannelState {
  /** Sent text kept so a token or a prompt run arriving in pieces is seen whole. */
  behind: string;
  /** A trailing partial match of the token, not yet sent. */
  held: string;
  /** Characters sent before `behind` starts. */
  emitted: number;
  /** Absolute end of the last finding acted on: a run growing over several pushes is reported once. */
  actedEnd: number;
}

/** Length of the longest suffix of `text` that is a strict prefix of `token` (both compared lower-cased). */
export function partialTokenSuffix(text: string, token: string): number {
  const max = Math.min(token.length - 1, text.length);
  for (let n = max; n > 0; n--) {
    if (text.slice(text.length - n).toLowerCase() === token.slice(0, n)) return n;
  }
  return 0;
}

/**
 * Watches the answer for this request's canary token or a verbatim run of its system prompt, streamed or
 * not, and sends everything else at once:
 *
 * - the token has a fixed length, so only a trailing partial match of it (at most 15 characters) is held,
 *   as the placeholder restorer does: the whole token is seen before any of it leaves;
 * - a prompt run is found on the push that completes its first `overlapChars` characters, before that
 *   push's text leaves, so at most `overlapChars - 1` characters of it are sent (as many as an allowed quote).
 *   Only the last `2 × overlapChars` sent characters are kept to see it (twice: a leak with widened
 *   whitespace is longer in the answer than in the normalised prompt).
 *
 * `log` records a leak and lets the answer through; `block` (and `redact`, normalised) ends it.
 */
export function createCanaryFilter(
  policy: GuardPolicy,
  token: string,
  systemPrompt: string,
  report: (finding: Finding, action: FindingAction, channel: string) => void,
): ResponseFilter | undefined {
  const { action, overlapAction } = policy.canary;
  if (action === 'off' && overlapAction === 'off') return undefined;
  const detector = createCanaryDetector(token, systemPrompt, policy.canary.overlapChars);
  const lowerToken = token.toLowerCase();
  const keep = Math.max(2 * policy.canary.overlapChars, token.length);
  const channels = new Map<string, ChannelState>();

  function judge(f: Finding): FindingAction | undefined {
    const a = f.reason === 'system_prompt_overlap' ? overlapAction : action;
    return a === 'off' ? undefined : a;
  }

  function process(channel: string, st: ChannelState, text: string, final: boolean): string {
    const off = st.behind.length;
    const window = st.behind + text;
    const base = st.emitted;
    const found = detector.detect(window, { role: 'assistant' });
    found.sort((a, b) => a.start! - b.start!);
    for (const f of found) {
      if (f.end! <= off) continue;
      if (base + f.start! < st.actedEnd) {
        // The same run still growing: already reported, and it must not be reported again once its start
        // has left the look-behind.
        st.actedEnd = Math.max(st.actedEnd, base + f.end!);
        continue;
      }
      const a = judge(f);
      if (a === undefined) continue;
      st.actedEnd = base + f.end!;
      report({ ...f, start: base + f.start!, end: base + f.end! }, a, channel);
    }
    const hold = final ? 0 : partialTokenSuffix(text, lowerToken);
    const out = text.slice(0, text.length - hold);
    st.held = text.slice(text.length - hold);
    const behind = st.behind + out;
    const cut = Math.max(0, behind.length - keep);
    st.emitted += cut;
    st.behind = behind.slice(cut);
    return out;
  }

  return {
    name: CANARY_FILTER_NAME,
    push(channel: string, delta: string): string {
      let st = channels.get(channel);
      if (st === undefined) {
        st = { behind: '', held: '', emitted: 0, actedEnd: 0 };
        channels.set(channel, st);
      }
      if (delta.length === 0) return '';
      return process(channel, st, st.held + delta, false);
    },
    flush(channel: string): string {
      const st = channels.get(channel);
      if (st === undefined) return '';
      channels.delete(channel);
      return st.held.length === 0 ? '' : process(channel, st, st.held, true);
    },
  };
}
