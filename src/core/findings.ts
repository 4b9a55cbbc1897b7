/** What a detector reports. Shared by guards, extraction and the audit log; formats fixed by specs/scan.md. */

export type FindingCategory = 'injection' | 'pii' | 'secret' | 'canary' | 'policy' | 'extraction';

export type Action = 'off' | 'allow' | 'log' | 'alert' | 'redact' | 'throttle' | 'degrade' | 'block';

export interface Finding {
  /** Specific detector, e.g. `pii.email`, `secret.aws_access_key`, `injection.classifier`. */
  detector: string;
  category: FindingCategory;
  /** 0..1 */
  score: number;
  /** UTF-16 offsets into the inspected text, when the finding has a span. */
  start?: number;
  end?: number;
  /** Where it was found: `request` or `response`, and which text slot (e.g. `messages.2.content`). */
  where?: string;
  /** Short machine-readable reason; never the matched value. */
  reason?: string;
}

/** A decision a stage took about the exchange, with why. Recorded in headers, audit and console. */
export interface Decision {
  stage: string;
  action: Action;
  detector?: string;
  score?: number;
  reasons: string[];
}
