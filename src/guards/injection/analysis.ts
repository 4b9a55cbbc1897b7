/**
 * One classification per text, shared by the detectors that need it (classifier, obfuscation,
 * encoded payloads rescan their decoded text separately). Detectors are called one after another on
 * the same string, so a one-entry memo keyed by the string avoids scoring it twice.
 */

import { scoreText, type WindowScore } from './classifier.js';
import { defaultModel, type InjectionModel } from './model.js';

let lastText: string | undefined;
let lastModel: InjectionModel | undefined;
let lastResult: WindowScore | undefined;

export function analyze(text: string, model: InjectionModel = defaultModel()): WindowScore {
  if (text === lastText && model === lastModel && lastResult !== undefined) return lastResult;
  const result = scoreText(model, text);
  lastText = text;
  lastModel = model;
  lastResult = result;
  return result;
}
