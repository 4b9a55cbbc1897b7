/**
 * Recommended decision thresholds on the `injection.classifier` score, tuned by
 * scripts/train-injection.ts on leave-one-source-out scores (every source scored by a model that never
 * saw it): `direct` for user prompts at ≤2% false positives, `indirect` for documents and tool results
 * (role `tool`) at ≤5%. They mirror models/injection/model.json; a test keeps the two in step.
 */
export const INJECTION_THRESHOLDS = Object.freeze({ direct: 0.72, indirect: 0.69 });

/** Classifier scores under this are not reported as findings at all (they are noise, not evidence). */
export const CLASSIFIER_REPORT_FLOOR = Math.min(0.5, INJECTION_THRESHOLDS.direct, INJECTION_THRESHOLDS.indirect);
