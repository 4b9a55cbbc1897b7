import type { Detector } from '../types.js';

/** Every injection detector, in evaluation order. */
export const injectionDetectors: readonly Detector[] = [];
