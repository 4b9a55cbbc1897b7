/**
 * Extraction and distillation defence (issue 4). The gateway wires `createExtractionDefence`:
 * `shapeStage` in the pipeline after the request guards, `recorder` in `ex.onFinish`, `accounts`
 * behind the admin API and CLI. Replay and evaluation use `ExtractionEngine` directly.
 */
export { bodyToChatRequest } from './convert.js';
export {
  type AccountAdmin,
  type AdminNote,
  createExtractionDefence,
  type DefenceOptions,
  type ExtractionDefence,
} from './defence.js';
export { type AccountStatus, ExtractionEngine, type Verdict } from './engine.js';
export { extractFeatures } from './features/extract.js';
export { CUSUM_DEFAULTS, type CusumOptions, firstFlag, MixtureCusum } from './keywatch/change.js';
export { KeyPicture } from './keywatch/picture.js';
export type { SubstreamSummary } from './keywatch/substream.js';
export { type KeyObservation, KeyState, KeyWatch } from './keywatch/watch.js';
export { AccountProfile, PROFILE_MAX_BYTES } from './profile.js';
export { Replayer, type ReplayResult, replayLines, type VerdictRecord } from './replay.js';
export { scoreEvidence } from './score.js';
export { accountOf, DETECTOR, STAGE_NAME } from './stage.js';
export type { RequestFeatures, RequestObservation, ResponseSummary } from './types.js';
