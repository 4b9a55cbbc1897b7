import type { Finding } from '../../core/findings.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';
import { findNames } from './names/pairs.js';

/**
 * Person names, best effort and precision first: only capitalised words right after a cue that introduces
 * a person ("my name is", "Dear", "Name:", "Mr.", "Frau", "Mme", "Sr.", "我叫", "姓名："). Names elsewhere in
 * running text are not found; a name model would be needed for that and would cost the hot path.
 */

// A capitalised word, with hyphenated or apostrophe parts: "Smith", "Müller-Lüdenscheidt", "O'Brien".
const CAP = "\\p{Lu}(?:\\p{Ll}{1,20}(?:['’\\-]\\p{Lu}?\\p{Ll}{1,20})?|['’]\\p{Lu}\\p{Ll}{1,20})";
const NAME = `${CAP}(?:[ ](?:(?:van|von|de|der|del|da|di|le|la|du|bin|al)[ ])?${CAP}){0,2}`;

const LATIN_CUES = [
  'my name is',
  "my name's",
  'i am called',
  'name is',
  'this is',
  "i'm",
  'i am',
  'dear',
  'hi',
  'hello',
  'name:',
  'full name:',
  'customer:',
  'patient:',
  'employee:',
  'contact:',
  'signed',
  'my kid',
  'my son',
  'my daughter',
  'my wife',
  'my husband',
  'my partner',
  'my friend',
  'my brother',
  'my sister',
  'my mother',
  'my father',
  'my mom',
  'my dad',
  'my boss',
  'my colleague',
  'my neighbour',
  'my neighbor',
  'my cousin',
  'my uncle',
  'my aunt',
  'named him',
  'named her',
  'called him',
  'called her',
  'last name?',
  'surname:',
  'regards,',
  'sincerely,',
  'thanks,',
  'mr.',
  'mr',
  'mrs.',
  'mrs',
  'ms.',
  'ms',
  'miss',
  'dr.',
  'prof.',
  'herr',
  'frau',
  'mein name ist',
  'ich heiße',
  'ich bin',
  'sehr geehrter herr',
  'sehr geehrte frau',
  'liebe',
  'lieber',
  "je m'appelle",
  'je suis',
  'mon nom est',
  'nom:',
  'nom :',
  'm.',
  'mme',
  'mlle',
  'monsieur',
  'madame',
  'cher',
  'chère',
  'me llamo',
  'mi nombre es',
  'soy',
  'sr.',
  'sra.',
  'señor',
  'señora',
  'estimado',
  'estimada',
  'nombre:',
];

/**
 * Cues indexed by their last word. Instead of trying every cue at every position, the scan visits each
 * capitalised word after a space and looks up the word before it: one map lookup per capitalised word.
 */
const CUES_BY_LAST_WORD = new Map<string, string[]>();
for (const cue of LATIN_CUES) {
  const last = cue.slice(cue.lastIndexOf(' ') + 1);
  const list = CUES_BY_LAST_WORD.get(last) ?? [];
  list.push(cue);
  CUES_BY_LAST_WORD.set(last, list);
}
const CAPITALISED_AFTER_SPACE = /[ \t]\p{Lu}/gu;
const NAME_AT = new RegExp(NAME, 'uy');
const LETTER = /\p{L}/u;

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** The cue ending at `end` (exclusive), if any: its last word is looked up, then the whole cue compared. */
function cueBefore(text: string, end: number): string | undefined {
  let k = end;
  while (k > 0 && !isBlank(text[k - 1]) && end - k < 24) k--;
  const cues = CUES_BY_LAST_WORD.get(text.slice(k, end).toLowerCase());
  if (cues === undefined) return undefined;
  for (const cue of cues) {
    const start = end - cue.length;
    if (start < 0 || text.slice(start, end).toLowerCase() !== cue) continue;
    if (start === 0 || !LETTER.test(text[start - 1]!)) return cue;
  }
  return undefined;
}
const CJK = /(?:我叫|我的名字是|姓名[:：]\s?|名字[:：]\s?|联系人[:：]\s?)(\p{Script=Han}{2,4})/gu;

/** Capitalised words that follow the cues but are not names. */
const NOT_NAMES = new Set([
  'sir',
  'madam',
  'madame',
  'customer',
  'customers',
  'team',
  'all',
  'everyone',
  'friend',
  'friends',
  'colleagues',
  'hiring',
  'manager',
  'support',
  'user',
  'users',
  'there',
  'the',
  'a',
  'an',
  'not',
  'sure',
  'here',
  'going',
  'looking',
  'trying',
  'working',
  'writing',
  'glad',
  'happy',
  'sorry',
  'new',
  'just',
  'also',
  'still',
  'so',
  'very',
  'good',
  'fine',
  'ok',
  'okay',
  'thanks',
  'thank',
  'please',
  'what',
  'how',
  'why',
  'when',
  'where',
  'who',
  'which',
  'it',
  'this',
  'that',
  'is',
  'i',
  'we',
  'you',
  'he',
  'she',
  'they',
  'my',
  'our',
  'your',
  'mr',
  'mrs',
  'ms',
  'dr',
  'gpt',
  'chatgpt',
  'claude',
  'assistant',
  'ai',
  'bot',
  'admin',
  'sales',
  'it-team',
  'kunde',
  'kunden',
  'damen',
  'herren',
  'client',
  'clients',
  'cliente',
  'clientes',
  'monsieur',
  'madame',
  'señor',
  'señora',
  'equipo',
  'équipe',
  'english',
  'german',
  'french',
  'spanish',
  'chinese',
  'american',
  'british',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'python',
  'java',
  'javascript',
  'typescript',
  'linux',
  'windows',
  'google',
  'microsoft',
  'apple',
  'amazon',
  'openai',
  'anthropic',
  'ceo',
  'cto',
  'student',
  'developer',
  'engineer',
]);

/** Cues that are ordinary words ("this is", "I am", "hi") need a name-like continuation: two words, or a sentence end. */
const WEAK_CUES = /^(?:this is|i'm|i am|hi|hello|ich bin|je suis|soy|signed)$/i;

export const personNameDetector: Detector = {
  name: 'pii.person_name',
  category: 'pii',
  defaultAction: 'redact',
  description:
    'Person names after an introducing cue ("my name is", "Dear", "Name:", titles), and a known given name followed by a surname or in a list of given names; best effort.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    let reportedTo = 0;
    CAPITALISED_AFTER_SPACE.lastIndex = 0;
    let m = CAPITALISED_AFTER_SPACE.exec(text);
    while (m !== null) {
      const nameStart = m.index + 1;
      let cueEnd = nameStart;
      for (let s = 0; s < 3 && cueEnd > 0 && (text[cueEnd - 1] === ' ' || text[cueEnd - 1] === '\t'); s++) cueEnd--;
      const cue = nameStart >= reportedTo ? cueBefore(text, cueEnd) : undefined;
      NAME_AT.lastIndex = nameStart;
      const n = cue === undefined ? null : NAME_AT.exec(text);
      if (cue !== undefined && n !== null) {
        let words = n[0].split(' ');
        // Drop trailing words that are not names ("Dear John Thanks" → "John").
        while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!.toLowerCase())) words = words.slice(0, -1);
        if (words.length > 0 && !NOT_NAMES.has(words[0]!.toLowerCase())) {
          const end = nameStart + words.join(' ').length;
          const after = text.charCodeAt(end);
          const sentenceEnd = Number.isNaN(after) || after === 44 || after === 46 || after === 10 || after === 33;
          const weak = WEAK_CUES.test(cue);
          if (!weak || words.length >= 2 || sentenceEnd) {
            out.push(spanFinding('pii.person_name', 'pii', weak ? 0.6 : 0.8, nameStart, end));
            reportedTo = end;
          }
        }
      }
      m = CAPITALISED_AFTER_SPACE.exec(text);
    }
    // Names without a cue: a known given name and a surname, or a list of given names (names/pairs.ts).
    const cued = out.length;
    for (const n of findNames(text)) {
      let overlaps = false;
      for (let i = 0; i < cued && !overlaps; i++) overlaps = out[i]!.start! < n.end && n.start < out[i]!.end!;
      if (!overlaps)
        out.push(
          spanFinding(
            'pii.person_name',
            'pii',
            n.kind === 'pair' ? 0.7 : n.kind === 'list' ? 0.6 : 0.55,
            n.start,
            n.end,
          ),
        );
    }
    CJK.lastIndex = 0;
    let c = CJK.exec(text);
    while (c !== null) {
      const start = c.index + c[0].length - c[1]!.length;
      out.push(spanFinding('pii.person_name', 'pii', 0.75, start, start + c[1]!.length));
      c = CJK.exec(text);
    }
    return out;
  },
};
