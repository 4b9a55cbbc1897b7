import type { Detector } from '../types.js';
import { classifierDetector } from './detector.js';
import { encodedPayloadDetector } from './encoded.js';
import { invisibleCharsDetector } from './invisible.js';
import { roleMarkersDetector } from './markers.js';
import { obfuscationDetector } from './obfuscation.js';
import { plantedInstructionDetector } from './planted.js';

export { scoreInjection, thresholdFor } from './detector.js';
export { type InjectionModel, InjectionModelError, loadModel } from './model.js';
export { normalizeForClassification } from './normalize.js';
export { CLASSIFIER_REPORT_FLOOR, INJECTION_THRESHOLDS } from './thresholds.js';

/** Every injection detector, in evaluation order: cheap structural checks first, the classifier last. */
export const injectionDetectors: readonly Detector[] = [
  invisibleCharsDetector,
  roleMarkersDetector,
  encodedPayloadDetector,
  obfuscationDetector,
  plantedInstructionDetector,
  classifierDetector,
];
