import type { Finding } from '../../core/findings.js';
import { spanFinding } from '../text/finding.js';
import type { Detector } from '../types.js';

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
]
  .flatMap((c) => [c, c[0]!.toUpperCase() + c.slice(1), c.toUpperCase()])
  .map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ ]'));

// Cue, whitespace, then 1–3 capitalised words. Case-sensitive on purpose (the cues are listed in their
// lower, Capitalised and UPPER forms): with the `i` flag \p{Lu} would match lowercase words too.
const LATIN = new RegExp(`(?<![\\p{L}])(?:${[...new Set(LATIN_CUES)].join('|')})[ \\t]{1,3}(${NAME})`, 'gu');
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
const WEAK_CUES = /^(?:this[ ]is|i'm|i[ ]am|hi|hello|ich[ ]bin|je[ ]suis|soy|signed)$/i;

export const personNameDetector: Detector = {
  name: 'pii.person_name',
  category: 'pii',
  defaultAction: 'redact',
  description: 'Person names after an introducing cue (e.g. "my name is", "Dear", "Name:", titles); best effort.',
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    LATIN.lastIndex = 0;
    let m = LATIN.exec(text);
    while (m !== null) {
      const name = m[1]!;
      const cue = m[0].slice(0, m[0].length - name.length).trim();
      let words = name.split(' ');
      // Drop trailing words that are not names ("Dear John Thanks" → "John").
      while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!.toLowerCase())) words = words.slice(0, -1);
      if (words.length > 0 && !NOT_NAMES.has(words[0]!.toLowerCase())) {
        const kept = words.join(' ');
        const start = m.index + m[0].length - name.length;
        const end = start + kept.length;
        const after = text.charCodeAt(end);
        const sentenceEnd = Number.isNaN(after) || after === 44 || after === 46 || after === 10 || after === 33;
        if (!WEAK_CUES.test(cue) || words.length >= 2 || sentenceEnd) {
          out.push(spanFinding('pii.person_name', 'pii', WEAK_CUES.test(cue) ? 0.6 : 0.8, start, end));
        }
      }
      m = LATIN.exec(text);
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
