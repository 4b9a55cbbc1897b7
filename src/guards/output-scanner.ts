import type { ResponseFilter } from '../core/exchange.js';
import type { Finding } from '../core/findings.js';
import { type FindingAction, resolveOverlaps } from './engine.js';

export interface OutputScannerOptions {
  readonly name: string;
  /** Findings over `text` (the look-behind plus the unsent part of one channel). */
  detect(text: string): Finding[];
  /** The action for a finding, or undefined to ignore it (off, under threshold, allow-listed). */
  judge(finding: Finding, value: string): FindingAction | undefined;
  /** Called once per acted-on finding, offsets relative to the channel's text so far. May throw to end the answer. */
  report(finding: Finding, action: FindingAction, channel: string): void;
  /** Characters held back unsent: a value up to this long, split across chunks, is caught whole. */
  readonly holdChars: number;
  /** Characters already sent kept as context for the detectors. */
  readonly lookbehindChars: number;
}

/**
 * Detection runs once enough new characters are pending beyond the hold, not on every token: half the
 * hold (at least 32). Each character is then scanned about (look-behind + 1.5 × hold) / (hold / 2) ≈ 3-4
 * times instead of ~10 times with a fixed 32-character step, for at most hold / 2 more characters of delay.
 */
export function scanStep(holdChars: number): number {
  return Math.max(32, Math.floor(holdChars / 2));
}

interface ChannelState {
  /** Last `lookbehindChars` characters already emitted. */
  tail: string;
  /** Received, not yet emitted. */
  pending: string;
  /** Characters emitted before `tail` starts, for absolute offsets in findings. */
  emitted: number;
}

export function maskFor(detector: string): string {
  return `[REDACTED:${detector}]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * A ResponseFilter that runs detectors over a streamed channel with bounded memory: it keeps a look-behind
 * of sent text and holds back the last `holdChars` received, so a value split across chunks is seen whole
 * before any of it leaves. Findings are acted on when they start in the part about to be sent; redacted
 * spans are replaced by `[REDACTED:<detector>]` and never split by the boundary.
 */
export function createOutputScanFilter(opts: OutputScannerOptions): ResponseFilter {
  const channels = new Map<string, ChannelState>();
  const step = scanStep(opts.holdChars);

  function process(channel: string, st: ChannelState, final: boolean): string {
    const off = st.tail.length;
    const window = st.tail + st.pending;
    let emitEnd = final ? st.pending.length : st.pending.length - opts.holdChars;
    const judged: Array<{ finding: Finding; action: FindingAction }> = [];
    for (const f of opts.detect(window)) {
      if (f.start === undefined || f.end === undefined || f.start < off || f.end > window.length) continue;
      if (f.start - off >= emitEnd) continue; // still in the held part: judged when it comes up
      const action = opts.judge(f, window.slice(f.start, f.end));
      if (action !== undefined) judged.push({ finding: f, action });
    }
    let pending = st.pending;
    if (judged.length > 0) {
      const kept = resolveOverlaps(judged);
      for (const { finding, action } of kept) {
        const abs = st.emitted + off;
        const shifted = { ...finding, start: finding.start! - off + abs, end: finding.end! - off + abs };
        opts.report(shifted, action, channel);
      }
      // Masks applied right to left so earlier offsets stay valid.
      for (let i = kept.length - 1; i >= 0; i--) {
        const { finding, action } = kept[i]!;
        if (action !== 'redact' || finding.category === 'injection' || finding.category === 'canary') continue;
        const s = finding.start! - off;
        const e = finding.end! - off;
        const mask = maskFor(finding.detector);
        pending = pending.slice(0, s) + mask + pending.slice(e);
        emitEnd = e > emitEnd ? s + mask.length : emitEnd + mask.length - (e - s);
      }
    }
    if (!final && emitEnd > 0 && isHighSurrogate(pending.charCodeAt(emitEnd - 1))) emitEnd--;
    const out = pending.slice(0, emitEnd);
    st.pending = pending.slice(emitEnd);
    const tail = st.tail + out;
    const cut = Math.max(0, tail.length - opts.lookbehindChars);
    st.emitted += cut;
    st.tail = tail.slice(cut);
    return out;
  }

  return {
    name: opts.name,
    push(channel: string, delta: string): string {
      let st = channels.get(channel);
      if (st === undefined) {
        st = { tail: '', pending: '', emitted: 0 };
        channels.set(channel, st);
      }
      st.pending += delta;
      if (st.pending.length < opts.holdChars + step) return '';
      return process(channel, st, false);
    },
    flush(channel: string): string {
      const st = channels.get(channel);
      if (st === undefined) return '';
      channels.delete(channel);
      return process(channel, st, true);
    },
  };
}
