import { GIVEN_NAMES_PACKED } from './given-names.js';
import { FAKER_GIVEN_NAMES_PACKED } from './given-names-faker.js';

/**
 * Person names in running text, without a cue word: a known given name followed by a capitalised word
 * ("… follow up with Sophie Lang tomorrow"), and lists of given names ("They had 6: Gaetane, Hannah, Anthony
 * and Andrew"). The gazetteer holds given names only (src/guards/pii/names/given-names.ts); the surname is
 * any capitalised word that is not a known non-name. Precision comes from vetoes, in this order:
 *
 * - given names that are also common words or places ("Will", "May", "Grant", "Paris", "Victoria") count
 *   only away from the start of a sentence;
 * - the second word must not be a function word, a month or weekday, or a word that makes the pair a place,
 *   an organisation or a title ("Victoria Street", "Jordan River", "Grace Hospital", "Hope Foundation");
 * - a run of three or more capitalised words that does not start a sentence is a heading or a title
 *   ("The Daily Mark Report"), not a name.
 */

/**
 * Entries of the source lists that are far more often ordinary words, months, brands or software than
 * names in what people send: dropped from the gazetteer (a cue such as "my name is" still finds them).
 */
const NOT_GIVEN = new Set(
  (
    'apple peace flip job chip dev django jax dior cookie candy brandy whisky sherry ginger pepper cinnamon ' +
    'january february march april may june july august september october november december monday friday ' +
    'sunday tuesday ace acer asus bmw audi java python swift rust perl bash zoom slack notion linear ' +
    'vue ember angular react node deno bun rails laravel flask spring kafka redis mongo elastic ' +
    'kindle echo nest ring alpha beta gamma delta sigma omega zeta theta kappa lambda hero king lord ' +
    'ocean sea sky cloud rain snow winter spring fall season state union'
  ).split(' '),
);

/**
 * The gazetteer: human-names' lists plus Faker's locales (given-names-faker.ts). For evaluation only,
 * `PORTCULLIS_EVAL_GAZETTEER=human-names` leaves Faker's out: data generated with Faker (presidio's) would
 * otherwise be scored with the generator's own name lists (docs/evaluation/pii-secrets.md).
 */
const SOURCES =
  process.env.PORTCULLIS_EVAL_GAZETTEER === 'human-names'
    ? [GIVEN_NAMES_PACKED]
    : [GIVEN_NAMES_PACKED, FAKER_GIVEN_NAMES_PACKED];

export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  SOURCES.flatMap((packed) => packed.split('|')).filter((n) => !NOT_GIVEN.has(n)),
);

/**
 * Names trusted on their own (a single name in a sentence, a list, a speaker label): human-names' lists only.
 * Faker's additional names count only with a surname after them, where the pair's shape carries the evidence.
 */
const ALONE_NAMES: ReadonlySet<string> = new Set(GIVEN_NAMES_PACKED.split('|').filter((n) => !NOT_GIVEN.has(n)));

/** Given names that are also everyday words, places or brands: a name only away from a sentence start. */
const AMBIGUOUS = new Set(
  (
    'will may june april august mark bill rose grace hope faith joy art pat sue don ray jack frank lane dean ' +
    'chase hunter summer autumn dawn ivy iris jade ruby pearl crystal amber angel star river sky king prince ' +
    'major sterling miles price page gene guy rich sandy rusty buck cash cliff glen stone storm bishop brook ' +
    'brooks carol christian cole dale drew early forest golden harmony heath holly honey houston jordan lake ' +
    'lincoln love marina mason max melody mercedes nick norman paris penny porter rocky rod sage scout skip ' +
    'sunny tanner taylor trinity tucker victoria violet wade walker warren sydney florence georgia virginia ' +
    'carolina dakota austin dallas denver phoenix chelsea israel india asia china africa eden ben lily daisy ' +
    'jasmine heather olive hazel fern willow misty destiny charity patience prudence mercy unity liberty ' +
    'justice royal duke earl baron marshall sheriff judge chance lucky happy merry gay young long short ' +
    'little small big grand noble pierce reed rush shepherd spencer stewart ward banks bell black brown ' +
    'green grey gray white wood woods hill hall ford field fields cross bond bridge bridges tower ' +
    'constance may-be nova luna sol aurora'
  ).split(' '),
);

/** Capitalised words that never follow a given name as its surname. */
const NOT_SURNAME = new Set(
  (
    'the a an and or but of in on at for to with by from as is are was were be been has have had do does did ' +
    'not no yes if then than so that this these those it its he she they we you i me my your our their his her ' +
    'who what when where why how which there here all any each every some many much more most other such ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december street st road rd avenue ave lane ln drive dr boulevard blvd ' +
    'way place square court ct terrace park gardens station airport harbour harbor bay beach island islands ' +
    'river lake mountain mountains mount valley falls hill hills bridge city county state province district ' +
    'region country republic kingdom university college school academy institute hospital clinic church ' +
    'cathedral chapel temple museum library gallery theatre theater hall house hotel tower building center ' +
    'centre foundation trust fund prize award awards memorial stadium arena company corporation corp inc ' +
    'ltd llc gmbh ag sa plc group bank airlines airways motors records studios studio publishing press ' +
    'times news post journal magazine review show festival cup league club team project protocol framework ' +
    'industries industry holdings partners associates solutions systems technologies labs capital ventures ' +
    'enterprises international global consulting services responsibilities requirements muffins cookies ' +
    'edition series version report reports act law code day week year month night morning evening christmas ' +
    'easter one two three four five six seven eight nine ten first second third new old north south east ' +
    'west upper lower great little saint san santa via rue strasse straße platz weg calle plaza avenida ' +
    'email phone tel fax mobile address note notes subject re fw fwd dear hi hello thanks regards ' +
    'cheers best ok okay please sorry yes yeah well oh also just still'
  ).split(' '),
);

/**
 * Street-name suffixes (the USPS list, less the ones that are common surnames): "Monika Union",
 * "Mathias Pass" and "Elisabeth Parks" are streets named after people, not people.
 */
const STREET_SUFFIX = new Set(
  (
    'union pass parks crossing ridge trail trails heights point points shores shore springs spring meadows ' +
    'meadow grove groves estates estate village villages loop pike run path walk row alley circle circles cove ' +
    'coves creek crescent view views vista manor manors fork forks ferry expressway freeway highway parkway ' +
    'turnpike junction junctions landing plains prairie ranch plaza commons common corners corner course ' +
    'courts curve dam divide extension flats flat forge fort gateway harbors haven hollow inlet isle keys ' +
    'knoll knolls lights locks lodge mall mission motorway neck orchard oval overpass passage pines port ' +
    'ports radial ramp rapids rest route shoals skyway spur stravenue stream summit throughway trace track ' +
    'trafficway tunnel underpass valleys viaduct ville ways wells burg burgs camp canyon cape causeway cliffs ' +
    'club crest dale dales garden gardens glen glens greens hills island islands lakes mews mount mountain ' +
    'pathway plain ranches squares station stravenues terrace wall'
  ).split(' '),
);

/**
 * Capitalised words that are given names in the gazetteer but, alone, far more often name software, AI
 * models, products, places, figures of religion or myth, or brands in prompts people send: a single name
 * is not reported for them.
 */
const NOT_ALONE = new Set(
  (
    'claude gemini alexa siri cortana bard llama mistral julia ruby ada dart kotlin jenkins ansible tesla ' +
    'mercedes dell ford chevrolet porsche lincoln chrysler prada gucci wendy harley jasper sage vera ' +
    'florence charlotte madison jackson orlando elizabeth savannah sofia victoria austin charleston camden ' +
    'lorraine virginia georgia carolina adelaide alexandria augusta beverly cleveland eugene raleigh tyler ' +
    'milan chester darwin hudson kent sherman barbara clara monica rosa salvador jesus christ mohammed ' +
    'muhammad allah buddha krishna moses noah abraham david goliath adam eve mary joseph peter paul john ' +
    'matthew mark luke thomas james jude apollo athena zeus hermes nike venus mars mercury jupiter saturn ' +
    'pluto aurora electra pandora phoenix nova stella luna sol orion atlas ajax hector homer victor ' +
    'regina king queen prince princess'
  ).split(' '),
);

/** A capitalised word: one upper-case letter, then lower-case letters, optionally joined by - or '. */
const WORD = /\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+|['’]\p{Lu}\p{Ll}+|['’]\p{Ll}{2,})*/uy;
const CAPITALISED = /\p{Lu}\p{Ll}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}_]/u;

export interface NameSpan {
  start: number;
  end: number;
  /** How it was found: `pair` (given name + surname), `list` (a list of given names), `single` (one given name). */
  kind: 'pair' | 'list' | 'single';
}

function wordAt(text: string, i: number): string | undefined {
  WORD.lastIndex = i;
  const m = WORD.exec(text);
  if (m === null) return undefined;
  const end = i + m[0].length;
  // Not a word when letters or digits continue it ("McDonald" is fine, "JohnSmith2" or "Anna_b" is not).
  if (end < text.length && LETTER_OR_DIGIT.test(text[end]!) && !/\s/.test(text[end]!)) return undefined;
  return m[0];
}

/** Whether position `i` starts a sentence: text start, or only spaces/quotes after . ! ? : or a line break. */
function sentenceStart(text: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '"' || text[k] === '“' || text[k] === '(')) k--;
  if (k < 0) return true;
  const c = text[k]!;
  return c === '.' || c === '!' || c === '?' || c === '\n' || c === '\r' || c === ':' || c === '*' || c === '#';
}

/** The capitalised word ending just before `i` (separated by one space), if any. */
function previousWord(text: string, i: number): string | undefined {
  if (i < 2 || text[i - 1] !== ' ') return undefined;
  let k = i - 1;
  while (k > 0 && /[\p{L}'’-]/u.test(text[k - 1]!)) k--;
  if (k === i - 1) return undefined;
  return wordAt(text, k);
}

/** Lower-case words that name a street before a person's name: "rue Victor Hugo", "calle Juan Bravo". */
const STREET_BEFORE = new Set(
  'rue avenue av boulevard bd place allée chemin quai impasse cours calle avenida plaza paseo via viale piazza corso largo rua praça travessa'.split(
    ' ',
  ),
);

/** The lower-case word ending one space before `i`, if any. */
function lowerWordBefore(text: string, i: number): string | undefined {
  if (i < 2 || text[i - 1] !== ' ') return undefined;
  let k = i - 1;
  while (k > 0 && /[\p{Ll}.]/u.test(text[k - 1]!)) k--;
  const w = text.slice(k, i - 1).replace(/\.$/, '');
  return w.length > 0 ? w : undefined;
}

/** A house number just before or just after: "03751 Gerrit Achterberghove 137" is a street. */
function numberAround(text: string, start: number, end: number): boolean {
  return (
    /\d[ \t]*,?[ \t]*$/.test(text.slice(Math.max(0, start - 4), start)) || /^[ \t]*\d/.test(text.slice(end, end + 3))
  );
}

/** Determiners before a capitalised word make it a thing ("the Julia language", "a Victoria sponge"). */
const DETERMINERS = new Set('the a an this that these those our your their its every each any no'.split(' '));

/**
 * A given name on its own inside a sentence ("Why is Katrine so impulsive?", "said Felix to Linda"): not
 * next to another capitalised word, not after a determiner, not a name that alone usually means something
 * else, and not followed by a digit, a dot and letter, or a bracket (versions, code: "Julia 1.9", "Ruby.new").
 */
function singleName(text: string, start: number, end: number, word: string): boolean {
  const lower = word.toLowerCase();
  if (!ALONE_NAMES.has(lower) || AMBIGUOUS.has(lower) || NOT_ALONE.has(lower) || word.length < 3) return false;
  if (previousWord(text, start) !== undefined) return false;
  const prev = lowerWordBefore(text, start)?.toLowerCase();
  if (prev !== undefined && (DETERMINERS.has(prev) || STREET_BEFORE.has(prev))) return false;
  const next = text.slice(end, end + 2);
  if (/^(?: \p{Lu}|[ \t]?\d|[.:]\p{L}|\(|_|\/|@)/u.test(next)) return false;
  return true;
}

function isGiven(word: string, atSentenceStart: boolean): boolean {
  const lower = word.toLowerCase();
  if (!GIVEN_NAMES.has(lower)) return false;
  return !(atSentenceStart && AMBIGUOUS.has(lower));
}

/** Given name + surname pairs, and lists of given names, in `text`. Linear: each capitalised word is visited once. */
export function findNames(text: string): NameSpan[] {
  const out: NameSpan[] = [];
  let reportedTo = 0;
  CAPITALISED.lastIndex = 0;
  for (let m = CAPITALISED.exec(text); m !== null; m = CAPITALISED.exec(text)) {
    const start = m.index;
    if (start < reportedTo || (start > 0 && (LETTER_OR_DIGIT.test(text[start - 1]!) || text[start - 1] === '-')))
      continue;
    const first = wordAt(text, start);
    if (first === undefined) continue;
    const firstEnd = start + first.length;
    const atStart = sentenceStart(text, start);
    if (!isGiven(first, atStart)) continue;
    // A given name followed by a capitalised surname, one space apart, perhaps with a middle initial
    // between them ("Tamara T Stanković", "Erlendur G. Hafliðason").
    if (text[firstEnd] === ' ') {
      const initial = /^\p{Lu}\.? (?=\p{Lu}\p{Ll})/u.exec(text.slice(firstEnd + 1, firstEnd + 5));
      const surnameAt = firstEnd + 1 + (initial?.[0].length ?? 0);
      const second = wordAt(text, surnameAt);
      if (second !== undefined && !NOT_SURNAME.has(second.toLowerCase())) {
        let end = surnameAt + second.length;
        // "Mary Ann Smith": a second given name may take a third word as the surname.
        if (text[end] === ' ' && GIVEN_NAMES.has(second.toLowerCase())) {
          const third = wordAt(text, end + 1);
          if (third !== undefined && !NOT_SURNAME.has(third.toLowerCase())) end += 1 + third.length;
        }
        const before = atStart ? undefined : previousWord(text, start);
        const after = text[end] === ' ' ? wordAt(text, end + 1) : undefined;
        // A run of capitalised words inside a sentence is a title or a heading, unless the word before is
        // a title or role ("Dr.", "Producer") — those end with a period or are known cue words elsewhere.
        const titleRun = before !== undefined && !NOT_SURNAME.has(before.toLowerCase()) && after !== undefined;
        // "Austin Convention Center", "Grace Memorial Hospital": a place or organisation word right after.
        const placeOrOrg = after !== undefined && NOT_SURNAME.has(after.toLowerCase());
        const street =
          STREET_BEFORE.has(lowerWordBefore(text, start)?.toLowerCase() ?? '') ||
          STREET_SUFFIX.has(
            text
              .slice(firstEnd + 1, end)
              .split(' ')
              .pop()!
              .toLowerCase(),
          ) ||
          numberAround(text, start, end);
        if (!titleRun && !placeOrOrg && !street) {
          out.push({ start, end, kind: 'pair' });
          reportedTo = end;
          continue;
        }
      }
    }
    if (!atStart && singleName(text, start, firstEnd, first)) {
      out.push({ start, end: firstEnd, kind: 'single' });
      reportedTo = firstEnd;
    } else if (speakerLabel(text, start, firstEnd, first)) {
      out.push({ start, end: firstEnd, kind: 'single' });
      reportedTo = firstEnd;
    }
  }
  for (const span of findNameLists(text)) {
    if (!out.some((o) => o.start < span.end && span.start < o.end)) out.push(span);
  }
  addRepeatedMentions(text, out);
  return out.sort((a, b) => a.start - b.start);
}

/** A given name opening a line as the speaker of a dialogue: `Alice: "Who are you?"`. */
function speakerLabel(text: string, start: number, end: number, word: string): boolean {
  if (!ALONE_NAMES.has(word.toLowerCase()) || NOT_ALONE.has(word.toLowerCase()) || AMBIGUOUS.has(word.toLowerCase()))
    return false;
  if (start > 0 && text[start - 1] !== '\n') return false;
  return /^:[ ]?["“'«]/u.test(text.slice(end, end + 3));
}

/**
 * Once a pair names a person, their surname alone elsewhere in the same text is them too ("directed by
 * Maciej Borkowski and starring Borkowski"). Only surnames of pairs found above, as whole capitalised words.
 */
function addRepeatedMentions(text: string, out: NameSpan[]): void {
  const surnames = new Set<string>();
  for (const n of out) {
    if (n.kind !== 'pair') continue;
    const last = text.slice(n.start, n.end).split(' ').pop()!;
    if (last.length >= 3 && !GIVEN_NAMES.has(last.toLowerCase())) surnames.add(last);
  }
  if (surnames.size === 0) return;
  const found: NameSpan[] = [];
  for (const surname of surnames) {
    for (let i = text.indexOf(surname); i >= 0; i = text.indexOf(surname, i + surname.length)) {
      const end = i + surname.length;
      if (i > 0 && LETTER_OR_DIGIT.test(text[i - 1]!)) continue;
      if (end < text.length && LETTER_OR_DIGIT.test(text[end]!)) continue;
      if (out.some((o) => o.start < end && i < o.end)) continue;
      found.push({ start: i, end, kind: 'single' });
    }
  }
  out.push(...found);
}

/**
 * Lists of single given names: three or more capitalised words joined by ", ", " and ", " & ", " or ",
 * of which at least two thirds are known given names. Every item of such a list is reported.
 */
function findNameLists(text: string): NameSpan[] {
  const out: NameSpan[] = [];
  const SEP = /^(?:, (?:and |or |& )?| and | or | & | und | et | y | e )/u;
  CAPITALISED.lastIndex = 0;
  let skipTo = 0;
  for (let m = CAPITALISED.exec(text); m !== null; m = CAPITALISED.exec(text)) {
    if (m.index < skipTo || (m.index > 0 && LETTER_OR_DIGIT.test(text[m.index - 1]!))) continue;
    const items: Array<{ start: number; end: number; given: boolean }> = [];
    let i = m.index;
    for (;;) {
      const w = wordAt(text, i);
      if (w === undefined) break;
      items.push({ start: i, end: i + w.length, given: ALONE_NAMES.has(w.toLowerCase()) });
      const sep = SEP.exec(text.slice(i + w.length, i + w.length + 6));
      if (sep === null) break;
      i += w.length + sep[0].length;
    }
    skipTo = items.length > 0 ? items[items.length - 1]!.end : m.index + 1;
    const given = items.filter((x) => x.given).length;
    if (items.length >= 3 && given * 3 >= items.length * 2) {
      for (const x of items) {
        if (!NOT_SURNAME.has(text.slice(x.start, x.end).toLowerCase()))
          out.push({ start: x.start, end: x.end, kind: 'list' });
      }
    }
  }
  return out;
}
