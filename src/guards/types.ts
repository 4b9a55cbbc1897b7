import type { Action, Finding, FindingCategory } from '../core/findings.js';

/** Where a text sits in a conversation (specs/scan.md `role`). `tool` = documents and tool results. */
export type TextRole = 'user' | 'system' | 'assistant' | 'tool';

export interface DetectContext {
  role: TextRole;
}

/**
 * A detector: a pure function text → findings, declared once with its name, category and default action.
 * Findings carry UTF-16 `start`/`end` offsets into `text` where they have a span.
 */
export interface Detector {
  /** Family prefix plus name, e.g. `pii.email`; a detector may emit several names of its family. */
  readonly name: string;
  readonly category: FindingCategory;
  readonly defaultAction: Exclude<Action, 'off'>;
  /** Human description for docs and the console. */
  readonly description: string;
  detect(text: string, ctx: DetectContext): Finding[];
}
