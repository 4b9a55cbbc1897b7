import type { ChatRequest } from '../core/chat.js';

/** One request as the extraction engine sees it: from a trace line or from a finished Exchange. */
export interface RequestObservation {
  /** ms since epoch. */
  ts: number;
  /** The principal (tenant or account id). */
  account: string;
  key?: string;
  ip: string;
  userAgent?: string;
  path?: string;
  /** The canonical request; when absent, `body` is converted. */
  request?: ChatRequest;
  /** The raw body as the client sent it (trace replay). */
  body?: unknown;
  response?: ResponseSummary;
}

export interface ResponseSummary {
  status?: number;
  outputTokens?: number;
  finishReason?: string;
  /** Whether the answer carried reasoning / thinking content. */
  reasoning?: boolean;
}

/** What one request contributes to a profile: numbers and hashes only, never prompt text. */
export interface RequestFeatures {
  ts: number;
  /** /24 of an IPv4 address, /48 of an IPv6 address. */
  network: number;
  userAgent: number;
  key: number;
  /** Assistant turns already in the conversation. */
  depth: number;
  /** Characters of input text (all messages and system). */
  inputChars: number;
  hasSystem: boolean;
  /** Hash of the system instructions (a fixed app persona gives one value), 0 without. */
  system: number;
  /** Hash of the end-user id the client supplied, 0 without. */
  endUser: number;
  maxTokens: number | undefined;
  temperature: number | undefined;
  n: number;
  logprobs: boolean;
  topLogprobs: number;
  logitBias: boolean;
  stream: boolean;
  tools: boolean;
  /** Reasoning/thinking requested through API parameters. */
  reasoningParam: boolean;
  cotStrong: boolean;
  cotWeak: boolean;
  /** Reasoning was asked for only by the system prompt (an app's persona), not per request. */
  cotSystemOnly: boolean;
  outputMax: boolean;
  refusalProbe: boolean;
  /** Index into CATEGORIES, or -1. */
  category: number;
  /** Index into SCRIPTS. */
  script: number;
  /** Template fingerprints of the last user message: hashes of its first and last skeleton tokens. */
  prefix: number;
  suffix: number;
  /** Hash of the whole last user message skeleton+content: exact repeats (resampling). */
  exact: number;
  skeletonLength: number;
  minhash: Uint32Array;
  status: number;
  outputTokens: number;
  finishLength: boolean;
}
