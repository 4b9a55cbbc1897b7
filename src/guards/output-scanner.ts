import type { ResponseFilter } from '../core/exchange.js';
import type { Finding } from '../core/findings.js';
import { type FindingAction, resolveOverlaps } from './engine.js';

/** A block held whole from its opening marker to its closing line (PEM private keys), up to `maxChars`. */
export interface Fence {
  readonly open: string;
  /** The closing marker; the fence ends at the next `-----` after it (the end of the armour line). */
  readonly close: string;
  readonly maxChars: number;
}

export interface OutputScannerOptions {
  readonly name: string;
  /** Findings over `text` (the look-behind plus the unsent part of one channel). */
  detect(text: string): Finding[];
  /** The action for a finding, or undefined to ignore it (off, under threshold, allow-listed). */
  judge(finding: Finding, value: string): FindingAction | undefined;
  /** Called once per acted-on finding, offsets relative to the channel's text so far. May throw to end the answer. */
  report(finding: Finding, action: FindingAction, channel: string): void;
  /** Longest whitespace-free run held unsent; a longer run is scanned and sent (a value in it may be cut). */
  readonly tokenChars: number;
  /**
   * Longest value printed with spaces (cards, IBANs, phones) held whole. Only the trailing space-separated
   * tokens that `spacedToken` accepts are held, so prose words are not; without it, all `spacedChars` are.
   */
  readonly spacedChars: number;
  /** Whether a token (no spaces) could be part of a value printed with spaces; `partial`: still being written. */
  spacedToken?(token: string, partial: boolean): boolean;
  /** Characters already sent kept as context for the detectors (their context-word window). */
  readonly lookbehindChars: number;
  /** Characters after a value that can still change its verdict (context words after it). */
  readonly rightContextChars: number;
  readonly fences?: readonly Fence[];
}

interface ChannelState {
  /** Last `lookbehindChars` characters already emitted. */
  behind: string;
  /** Received, not yet emitted. */
  held: string;
  /** Characters emitted before `behind` starts, for absolute offsets in findings. */
  emitted: number;
  /** Length of the trailing run of `held` without a boundary character. */
  run: number;
  /** Absolute end of the last finding acted on: nothing before it is judged again. */
  actedEnd: number;
}

export function maskFor(detector: string): string {
  return `[REDACTED:${detector}]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Characters no whitespace-free value (key, token, email, URL, id) contains: Unicode whitespace, and the
 * CJK sentence punctuation 。，、！？ so that Chinese or Japanese prose, which has no spaces, is not held as
 * one long run. (The full-width colon is not one: the CJK name detector matches across "姓名：".)
 */
export function isBoundary(c: number): boolean {
  if (c <= 0x20) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0x3001 ||
    c === 0x3002 ||
    c === 0xff01 ||
    c === 0xff0c ||
    c === 0xff1f
  );
}

/** Length of the trailing boundary-free run of `text` after appending `delta` to text whose run was `run`. */
function runAfter(delta: string, run: number): number {
  for (let i = delta.length - 1; i >= 0; i--) if (isBoundary(delta.charCodeAt(i))) return delta.length - 1 - i;
  return run + delta.length;
}

/** Start (in `held`) of an unclosed fence still under its bound, or -1. */
function openFence(held: string, fences: readonly Fence[]): number {
  let from = -1;
  for (const f of fences) {
    const at = held.lastIndexOf(f.open);
    if (at < 0 || held.length - at >= f.maxChars) continue;
    const close = held.indexOf(f.close, at + f.open.length);
    if (close >= 0 && held.indexOf('-----', close + f.close.length) >= 0) continue;
    if (from < 0 || at < from) from = at;
  }
  return from;
}

/**
 * A ResponseFilter that runs detectors over a streamed channel and holds back only what a detector could
 * still extend, so ordinary text leaves at the next word boundary instead of after a fixed window:
 *
 * - the trailing whitespace-free run (keys, tokens, emails, URLs, JWTs have no spaces), up to `tokenChars`;
 * - the last `spacedChars` characters, for values printed with spaces (`4111 1111 1111 1111`, IBANs in
 *   groups, `+44 20 7946 0958`);
 * - an open fence (`-----BEGIN … PRIVATE KEY-----` until its END line), up to the fence's bound;
 * - any finding ending within `rightContextChars` of the end: it may still grow, or context words after it
 *   may still change its score.
 *
 * Detection runs when a boundary arrives (or a run reaches its bound), over the look-behind plus the held
 * text only: both are bounded per channel, so the work per received character is constant. A finding that
 * starts in the part about to be sent is acted on whole before any of it leaves; a masked span is never split.
 * A finding reaching back into text already sent (a value longer than the hold that a detector only matches
 * once complete) is still reported, and its unsent part masked or the answer blocked.
 */
export function createOutputScanFilter(opts: OutputScannerOptions): ResponseFilter {
  const channels = new Map<string, ChannelState>();
  const fences = opts.fences ?? [];

  /** Index in `held` from which text is kept back (held.length when nothing is). */
  function holdStart(st: ChannelState): number {
    const { held } = st;
    let from = st.run < opts.tokenChars ? held.length - st.run : held.length;
    from = Math.min(from, spacedStart(held, from));
    if (fences.length > 0) {
      const fence = openFence(held, fences);
      if (fence >= 0) from = Math.min(from, fence);
    }
    return Math.max(0, from);
  }

  /**
   * Start of the trailing chain of tokens joined by spaces or tabs (the only separators the spaced formats
   * use) that could still belong to a value, within the last `spacedChars` characters; `runStart` when none.
   */
  function spacedStart(held: string, runStart: number): number {
    const limit = Math.max(0, held.length - opts.spacedChars);
    const accepts = opts.spacedToken;
    if (accepts === undefined) return limit;
    // A trailing word no spaced format contains ends any value before it.
    if (runStart < held.length && !accepts(held.slice(runStart), true)) return runStart;
    let from = runStart;
    let i = runStart;
    while (i > limit) {
      const c = held.charCodeAt(i - 1);
      if (c !== 0x20 && c !== 0x09) break;
      let j = i - 1;
      while (j > limit && (held.charCodeAt(j - 1) === 0x20 || held.charCodeAt(j - 1) === 0x09)) j--;
      let k = j;
      while (k > limit && !isBoundary(held.charCodeAt(k - 1))) k--;
      // A token cut by the limit, or one no spaced format contains, ends the chain.
      if (k === j || (k === limit && k > 0 && !isBoundary(held.charCodeAt(k - 1)))) break;
      if (!accepts(held.slice(k, j), false)) break;
      from = k;
      i = k;
    }
    return from;
  }

  function process(channel: string, st: ChannelState, final: boolean): string {
    const off = st.behind.length;
    const window = st.behind + st.held;
    const base = st.emitted; // absolute offset of window[0]
    const found = opts
      .detect(window)
      .filter(
        (f) =>
          Number.isInteger(f.start) &&
          Number.isInteger(f.end) &&
          f.start! < f.end! &&
          f.start! >= 0 &&
          f.end! <= window.length &&
          f.end! > off &&
          base + f.start! >= st.actedEnd,
      );
    let emitEnd = final ? st.held.length : holdStart(st);
    if (!final) {
      // A finding touching the end may still grow or be re-scored by what follows: keep all of it back.
      for (const f of found) {
        if (f.end! + opts.rightContextChars > window.length && f.start! >= off) {
          emitEnd = Math.min(emitEnd, f.start! - off);
        }
      }
    }
    const judged: Array<{ finding: Finding; action: FindingAction }> = [];
    for (const f of found) {
      if (f.start! - off >= emitEnd) continue; // still held: judged when it comes up
      const action = opts.judge(f, window.slice(f.start, f.end));
      if (action !== undefined) judged.push({ finding: f, action });
    }
    let held = st.held;
    if (judged.length > 0) {
      const kept = resolveOverlaps(judged);
      for (const { finding } of kept) {
        if (finding.end !== undefined) st.actedEnd = Math.max(st.actedEnd, base + finding.end);
      }
      for (const { finding, action } of kept) {
        opts.report({ ...finding, start: base + finding.start!, end: base + finding.end! }, action, channel);
      }
      // Masks applied right to left so earlier offsets stay valid; a span reaching back is masked from `off`.
      for (let i = kept.length - 1; i >= 0; i--) {
        const { finding, action } = kept[i]!;
        if (action !== 'redact' || finding.category === 'injection' || finding.category === 'canary') continue;
        const s = Math.max(0, finding.start! - off);
        const e = finding.end! - off;
        const mask = maskFor(finding.detector);
        held = held.slice(0, s) + mask + held.slice(e);
        emitEnd = e > emitEnd ? s + mask.length : emitEnd + mask.length - (e - s);
      }
    }
    if (!final && emitEnd > 0 && isHighSurrogate(held.charCodeAt(emitEnd - 1))) emitEnd--;
    const out = held.slice(0, emitEnd);
    st.held = held.slice(emitEnd);
    st.run = Math.min(st.run, st.held.length);
    const behind = st.behind + out;
    const cut = Math.max(0, behind.length - opts.lookbehindChars);
    st.emitted += cut;
    st.behind = behind.slice(cut);
    return out;
  }

  function push(channel: string, delta: string): string {
    let st = channels.get(channel);
    if (st === undefined) {
      st = { behind: '', held: '', emitted: 0, run: 0, actedEnd: 0 };
      channels.set(channel, st);
    }
    if (delta.length === 0) return '';
    st.held += delta;
    const run = runAfter(delta, st.run);
    const boundary = run < st.run + delta.length;
    st.run = run;
    // Between boundaries new characters only extend the held run: nothing new could be sent.
    if (!boundary && run < opts.tokenChars && st.held.length < opts.tokenChars + opts.spacedChars) return '';
    return process(channel, st, false);
  }

  function flush(channel: string): string {
    const st = channels.get(channel);
    if (st === undefined) return '';
    channels.delete(channel);
    return process(channel, st, true);
  }

  return {
    name: opts.name,
    push,
    flush,
    // A whole answer is scanned once, as the final step of a stream that arrived in one piece would be.
    whole(channel: string, text: string): string {
      if (channels.has(channel)) return push(channel, text) + flush(channel);
      if (text.length === 0) return '';
      return process(channel, { behind: '', held: text, emitted: 0, run: 0, actedEnd: 0 }, true);
    },
  };
}
