/**
 * Per-request features: a pure function of one observation. Prompt text is read here and dropped;
 * only hashes and counts leave this function.
 */
import type { ChatMessage, ChatRequest } from '../../core/chat.js';
import { bodyToChatRequest } from '../convert.js';
import { FIXED_HASH_KEY, fnv1a, type HashKey, keyedFinish } from '../hash.js';
import type { RequestFeatures, RequestObservation } from '../types.js';
import { categoriseWords, findMarkers, findMarkersInWords, type Markers } from './markers.js';
import { networkOf } from './network.js';
import { dominantScript, EDGE_TOKENS, hashTokens, minhash, SCRIPTS, tokenize } from './text.js';

function messageText(m: ChatMessage): string {
  let s = '';
  for (const p of m.content) if (p.type === 'text') s += s.length > 0 ? `\n${p.text}` : p.text;
  return s;
}

function wantsReasoning(req: ChatRequest): boolean {
  const x = req.extra;
  if (typeof x.reasoning_effort === 'string' && x.reasoning_effort !== 'none' && x.reasoning_effort !== 'minimal')
    return true;
  const r = x.reasoning;
  if (typeof r === 'object' && r !== null) {
    const o = r as Record<string, unknown>;
    if ((typeof o.effort === 'string' && o.effort !== 'minimal' && o.effort !== 'none') || o.summary !== undefined)
      return true;
  }
  const t = x.thinking;
  if (typeof t === 'object' && t !== null && (t as Record<string, unknown>).type === 'enabled') return true;
  if (Array.isArray(x.include) && x.include.some((i) => typeof i === 'string' && i.startsWith('reasoning')))
    return true;
  return false;
}

/**
 * Apps send one system prompt with every request: its markers and keyed hash are computed once and
 * cached. Keyed by the text itself, not a hash, so a crafted hash collision cannot borrow another
 * prompt's markers. Bounded (at most 512 × 4,000 chars); when full it is simply emptied (a miss costs
 * one scan).
 */
const SYSTEM_CACHE_MAX = 512;
interface SystemInfo {
  markers: Markers;
  key: HashKey;
  hash: number;
}
const systemCache = new Map<string, SystemInfo>();
function systemInfo(text: string, key: HashKey): SystemInfo {
  // Texts longer than 4,000 chars are cached under their first 4,000 (markers read no further) and
  // hashed in full each time, like any long text.
  const long = text.length > 4000;
  const k = long ? text.slice(0, 4000) : text;
  let m = systemCache.get(k);
  if (m === undefined) {
    if (systemCache.size >= SYSTEM_CACHE_MAX) systemCache.clear();
    m = { markers: findMarkers(k), key, hash: textHash(text, key) };
    systemCache.set(k, m);
  } else if (m.key !== key) {
    m = { markers: m.markers, key, hash: textHash(text, key) };
    systemCache.set(k, m);
  }
  return long ? { markers: m.markers, key, hash: textHash(text, key) } : m;
}

/**
 * Identity of a text for repeat detection: its length and its first and last 256 characters. Hashing
 * whole prompts would cost a pass over every character; two different prompts agreeing on length and
 * both ends are rare enough for a statistic.
 */
const EDGE = 256;
function textHash(t: string, key: HashKey): number {
  if (t.length <= 2 * EDGE) return keyedFinish(fnv1a(t, key.seed), key);
  return keyedFinish(fnv1a(t.slice(t.length - EDGE), fnv1a(t.slice(0, EDGE), (key.seed ^ t.length) >>> 0)), key);
}

const EMPTY_REQUEST: ChatRequest = {
  model: '',
  system: [],
  messages: [],
  stream: false,
  extra: {},
  extraDialect: 'openai',
};

/** `key`: the deployment's hash key for prompt-text hashes (template edges, prompts, system prompts). */
export function extractFeatures(obs: RequestObservation, key: HashKey = FIXED_HASH_KEY): RequestFeatures {
  const req = obs.request ?? bodyToChatRequest(obs.path, obs.body) ?? EMPTY_REQUEST;
  let depth = 0;
  let inputChars = 0;
  let lastUserMsg: ChatMessage | undefined;
  for (const m of req.messages) {
    if (m.role === 'assistant') depth++;
    for (const p of m.content) if (p.type === 'text') inputChars += p.text.length;
    if (m.role === 'user') lastUserMsg = m;
  }
  const lastUser = lastUserMsg ? messageText(lastUserMsg) : '';
  const systemText = req.system.length === 1 ? req.system[0]! : req.system.join('\n');
  inputChars += systemText.length;

  const { words, skeleton: tokens } = tokenize(lastUser);
  const userMarkers = findMarkersInWords(words, lastUser);
  const sys = systemText.length > 0 ? systemInfo(systemText, key) : undefined;
  const system = sys?.hash ?? 0;
  const sysMarkers = sys?.markers;
  const cotStrong = userMarkers.cotStrong || sysMarkers?.cotStrong === true;
  const resp = obs.response;
  const script = dominantScript(lastUser);
  return {
    ts: obs.ts,
    network: networkOf(obs.ip),
    userAgent: obs.userAgent ? fnv1a(obs.userAgent) : 0,
    key: obs.key ? fnv1a(obs.key) : 0,
    depth,
    inputChars,
    hasSystem: systemText.length > 0,
    system,
    endUser: req.user ? fnv1a(req.user) : 0,
    maxTokens: req.maxTokens,
    temperature: req.temperature,
    n: req.n ?? 1,
    logprobs: req.logprobs === true || (req.topLogprobs ?? 0) > 0,
    topLogprobs: req.topLogprobs ?? 0,
    logitBias: req.logitBias !== undefined && Object.keys(req.logitBias).length > 0,
    stream: req.stream,
    tools: (req.tools?.length ?? 0) > 0,
    reasoningParam: wantsReasoning(req),
    cotStrong,
    cotWeak: !cotStrong && (userMarkers.cotWeak || sysMarkers?.cotWeak === true),
    cotSystemOnly: cotStrong && !userMarkers.cotStrong,
    outputMax: userMarkers.outputMax || sysMarkers?.outputMax === true,
    refusalProbe: userMarkers.refusalProbe,
    category: categoriseWords(words),
    script: SCRIPTS.indexOf(script),
    prefix: hashTokens(tokens, 0, EDGE_TOKENS, key),
    suffix: hashTokens(tokens, tokens.length - EDGE_TOKENS, tokens.length, key),
    exact: textHash(lastUser, key),
    skeletonLength: tokens.length,
    minhash: minhash(tokens),
    status: resp?.status ?? 200,
    outputTokens: resp?.outputTokens ?? 0,
    finishLength: resp?.finishReason === 'length' || resp?.finishReason === 'max_tokens',
  };
}
