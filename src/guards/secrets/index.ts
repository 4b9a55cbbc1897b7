import type { Detector } from '../types.js';

/** Every secrets detector, in evaluation order. */
export const secretsDetectors: readonly Detector[] = [];
