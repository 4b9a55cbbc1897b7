import type { Detector } from '../types.js';

/** Every pii detector, in evaluation order. */
export const piiDetectors: readonly Detector[] = [];
