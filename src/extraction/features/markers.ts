/**
 * Phrase markers of what a caller wants from the model, and the capability area a prompt is about.
 * Both work on the word list of `tokenize` (lower-cased, numbers as `#`): a phrase is a word sequence,
 * looked up through its first word, so the cost is one map lookup per word and nothing can backtrack.
 * Only the first and last WINDOW words are searched: a template's instructions sit at its ends.
 */
import { tokenize } from './text.js';

const WINDOW = 300;

/** Requests to spell out reasoning: what a reasoning-harvest campaign adds to every prompt. */
const COT_STRONG = [
  'show your reasoning',
  'show all your reasoning',
  'show your complete reasoning',
  'show your full reasoning',
  'explain your reasoning',
  'explaining your reasoning',
  'explain your thought process',
  'explaining your thought process',
  'chain of thought',
  'show your work',
  'showing your work',
  'show all work',
  'show all steps',
  'show every step',
  'showing every',
  'showing each step',
  'explain each step',
  'explanation of every step',
  'reasoning process',
  'thought process',
  'think through',
  'detailed reasoning',
  'step by step reasoning',
  'step by step explanation',
  'reasoning step by step',
  'intermediate steps',
  'intermediate step',
  'before giving the final answer',
  'before giving your final answer',
  'before the final answer',
  'reason carefully',
  'reasoning carefully',
  'full reasoning',
  'complete reasoning',
  'reasoning behind each step',
  'walk through your reasoning',
];
/** The zero-shot CoT trigger of evaluation harnesses and students: weak evidence on its own. */
const COT_WEAK = ['let s think step by step', 'step by step'];

/** Asks for as much output as possible. (A number in a phrase matches any number: `0` tokenizes as `#`.) */
const OUTPUT_MAX = [
  'as detailed as possible',
  'as long as possible',
  'comprehensive',
  'exhaustive',
  'in great detail',
  'in detail',
  'thorough',
  'thoroughly',
  'elaborate on',
  'at least 0 words',
  'do not truncate',
  'don t truncate',
  'do not omit',
  'complete and detailed',
  'detailed answer',
  'detailed response',
  'detailed explanation',
  'give a detailed',
  'long form',
  'maximum detail',
];

/** Probing where the model refuses: an extraction campaign maps the policy boundary too. */
const REFUSAL_PROBE = [
  'ignore previous instructions',
  'ignore all previous',
  'do not refuse',
  'don t refuse',
  'without refusing',
  'you must answer',
  'for research purposes',
  'hypothetically',
  'uncensored',
  'no restrictions',
  'jailbreak',
  'do anything now',
];

enum Kind {
  CotStrong = 1,
  CotWeak = 2,
  OutputMax = 4,
  Refusal = 8,
}

/** first word → phrases (as word arrays) starting with it, with their kind. */
const PHRASES: Map<string, Array<{ rest: string[]; kind: Kind }>> = (() => {
  const m = new Map<string, Array<{ rest: string[]; kind: Kind }>>();
  const add = (list: readonly string[], kind: Kind) => {
    for (const p of list) {
      const w = tokenize(p).words;
      const first = w[0]!;
      let arr = m.get(first);
      if (!arr) {
        arr = [];
        m.set(first, arr);
      }
      arr.push({ rest: w.slice(1), kind });
    }
  };
  add(COT_STRONG, Kind.CotStrong);
  add(COT_WEAK, Kind.CotWeak);
  add(OUTPUT_MAX, Kind.OutputMax);
  add(REFUSAL_PROBE, Kind.Refusal);
  return m;
})();

export interface Markers {
  cotStrong: boolean;
  cotWeak: boolean;
  outputMax: boolean;
  refusalProbe: boolean;
}

function scan(words: readonly string[], from: number, to: number, found: number): number {
  let f = found;
  for (let i = from; i < to; i++) {
    const cands = PHRASES.get(words[i]!);
    if (cands === undefined) continue;
    for (const c of cands) {
      if ((f & c.kind) !== 0) continue;
      let ok = i + c.rest.length < words.length;
      for (let j = 0; ok && j < c.rest.length; j++) ok = words[i + 1 + j] === c.rest[j];
      if (ok) f |= c.kind;
    }
  }
  return f;
}

/** Markers in a word list; `rawText` is checked for reasoning tags (`<think>`, `<thinking>`). */
export function findMarkersInWords(words: readonly string[], rawText: string): Markers {
  let f = 0;
  if (words.length <= 2 * WINDOW) f = scan(words, 0, words.length, 0);
  else {
    f = scan(words, 0, WINDOW, 0);
    f = scan(words, words.length - WINDOW, words.length, f);
  }
  if (rawText.includes('<think')) f |= Kind.CotStrong;
  const cotStrong = (f & Kind.CotStrong) !== 0;
  return {
    cotStrong,
    cotWeak: !cotStrong && (f & Kind.CotWeak) !== 0,
    outputMax: (f & Kind.OutputMax) !== 0,
    refusalProbe: (f & Kind.Refusal) !== 0,
  };
}

export function findMarkers(text: string): Markers {
  return findMarkersInWords(tokenize(text).words, text);
}

/** Capability areas; a sweep covers many of them through one template. */
export const CATEGORIES = [
  'math',
  'code',
  'writing',
  'roleplay',
  'reasoning',
  'extraction',
  'stem',
  'humanities',
  'translation',
  'advice',
  'business',
  'health',
] as const;
export type Category = (typeof CATEGORIES)[number];

const KEYWORDS: Record<Category, readonly string[]> = {
  math: [
    'calculate',
    'equation',
    'solve',
    'integral',
    'probability',
    'percent',
    'sum',
    'many',
    'total',
    'math',
    'algebra',
    'geometry',
    'divided',
    'multiply',
    'average',
  ],
  code: [
    'code',
    'function',
    'python',
    'javascript',
    'program',
    'sql',
    'implement',
    'class',
    'script',
    'array',
    'algorithm',
    'bug',
    'java',
    'rust',
    'api',
    'regex',
    'compile',
  ],
  writing: [
    'write',
    'essay',
    'story',
    'poem',
    'blog',
    'email',
    'letter',
    'article',
    'rewrite',
    'paragraph',
    'slogan',
    'lyrics',
    'draft',
    'compose',
  ],
  roleplay: ['pretend', 'roleplay', 'imagine', 'character', 'persona', 'act'],
  reasoning: ['puzzle', 'riddle', 'logic', 'logical', 'deduce', 'paradox', 'argument'],
  extraction: [
    'extract',
    'summarize',
    'summarise',
    'summary',
    'classify',
    'identify',
    'categorize',
    'list',
    'table',
    'sentiment',
  ],
  stem: ['physics', 'chemistry', 'biology', 'science', 'energy', 'quantum', 'molecule', 'climate', 'engineering'],
  humanities: ['history', 'philosophy', 'politics', 'culture', 'art', 'literature', 'religion', 'economics', 'ethics'],
  translation: ['translate', 'translation', 'french', 'spanish', 'german', 'chinese', 'japanese', 'english'],
  advice: ['advice', 'recommend', 'should', 'tips', 'suggest', 'help', 'plan'],
  business: ['business', 'marketing', 'customer', 'sales', 'company', 'startup', 'product', 'strategy', 'market'],
  health: ['health', 'diet', 'exercise', 'medical', 'symptoms', 'doctor', 'sleep', 'nutrition'],
};

const WORD_CATEGORY: Map<string, number> = (() => {
  const m = new Map<string, number>();
  CATEGORIES.forEach((c, i) => {
    for (const w of KEYWORDS[c]) if (!m.has(w)) m.set(w, i);
  });
  return m;
})();

/** The capability area a word list is most about (first WINDOW words), or -1. */
export function categoriseWords(words: readonly string[]): number {
  const counts = new Uint8Array(CATEGORIES.length);
  const n = Math.min(words.length, WINDOW);
  for (let i = 0; i < n; i++) {
    const cat = WORD_CATEGORY.get(words[i]!);
    if (cat !== undefined && counts[cat]! < 255) counts[cat]!++;
  }
  let best = -1;
  let bestCount = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > bestCount) {
      best = i;
      bestCount = counts[i]!;
    }
  }
  return best;
}

export function categorise(text: string): number {
  return categoriseWords(tokenize(text).words);
}
