/**
 * Address forms the street patterns of street-address.ts do not cover, each anchored on a word that only
 * addresses use, so precision stays high without a gazetteer of streets:
 *
 * - post-office boxes: "P.O. Box 149", "PO Box 12", "Postbox 21", "Postfach 1234", "Apartado 55";
 * - US military mail: "PSC 1437, Box 3833 APO AA 66791", "Unit 4719 Box 7394 DPO AP 70942";
 * - units of a building: "Apt. 595", "Apartment 4B", "Suite 838", "Ste 12" (a number is required);
 * - streets named by a leading street word in Italian, Portuguese, Polish, Romanian and Spanish-speaking
 *   countries ("Via Franscini 71", "Rua Cyro Franco 1213", "ul. Słowicza 10") or a glued street suffix in
 *   Nordic, Dutch, Hungarian and Finnish ("Hersnapvej 75", "Dalbraut 99", "Puruntie 82", "Kerkstraat 5"),
 *   with the house number after the name.
 *
 * Every pattern is a single pass with bounded repetition (no nested quantifiers).
 */

const NAME = "\\p{Lu}[\\p{L}'’\\-]{1,25}";
const PATTERNS: readonly RegExp[] = [
  /(?<![\p{L}\d])(?:P\.[ ]?O\.?[ ]?Box|PO[ ]Box|P\.O\.B\.|Post[ ]?[Bb]ox|Postfach|Apartado(?:[ ]de[ ]correos)?|Boîte[ ]postale|BP)[ ]\d{1,6}(?![\d])/gu,
  /(?<![\p{L}\d])(?:PSC|CMR|Unit)[ ]\d{3,5},?[ ]Box[ ]\d{2,5}[ \n\r,]{1,3}[AD]PO[ ](?:AA|AE|AP)[ ]\d{5}(?!\d)/gu,
  /(?<![\p{L}\d])(?:Apt\.?|Apartment|Suite|Ste\.)[ ]?#?\d{1,5}[A-Za-z]?(?![\p{L}\d])/gu,
  new RegExp(
    `(?<![\\p{L}\\d])(?:Via|Viale|Piazza|Corso|Vicolo|Rua|Travessa|Praça|Largo|ul\\.|ulica|al\\.|Strada|Calea|Bulevardul|Carrer|Passeig)[ ](?:(?:de|da|do|dos|das|del|della|dei|di)[ ])?${NAME}(?:[ ](?:(?:de|da|do|del|della|di)[ ])?${NAME}){0,3},?[ ]\\d{1,5}[A-Za-z]?(?![\\p{L}\\d])`,
    'gu',
  ),
  /(?<![\p{L}\d])\p{Lu}[\p{Ll}æøåäöüéíóúðþ]{1,25}(?:vej|gade|vägen|gatan|veien|vegen|gata|gate|tie|katu|braut|straat|laan|plein|gracht|kade|singel|utca|ut|steeg|dreef)[ ]\d{1,4}[A-Za-z]?(?![\p{L}\d])/gu,
];

/** Address parts anchored on address-only words; spans are [start, end). */
export function findAddressParts(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}
