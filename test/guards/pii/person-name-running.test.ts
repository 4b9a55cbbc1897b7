import { describe, expect, it } from 'vitest';
import { findNames, GIVEN_NAMES } from '../../../src/guards/pii/names/pairs.js';
import { personNameDetector } from '../../../src/guards/pii/person-name.js';
import { found, values } from './helpers.js';

describe('pii.person_name in running text (no cue)', () => {
  it('finds a known given name with its surname, with exact spans, non-ASCII included', () => {
    expect(found(personNameDetector, 'Please follow up with Sophie Lang tomorrow.')).toEqual([
      ['pii.person_name', 'Sophie Lang', 22],
    ]);
    expect(values(personNameDetector, 'Le contrat de José García expire en mai.')).toEqual(['José García']);
    expect(values(personNameDetector, 'Ask Zoë Okonkwo-Baptiste about it')).toEqual(['Zoë Okonkwo-Baptiste']);
    expect(values(personNameDetector, 'The report by Mary Ann Whitfield was late')).toEqual(['Mary Ann Whitfield']);
    expect(values(personNameDetector, "Bryan Maclean's killers were sentenced")).toEqual(['Bryan Maclean']);
  });

  it('finds lists of given names and a given name alone inside a sentence', () => {
    expect(values(personNameDetector, 'They had three: Hannah, Anthony and Felix.')).toEqual([
      'Hannah',
      'Anthony',
      'Felix',
    ]);
    expect(values(personNameDetector, 'Why is Hannah so quiet today?')).toEqual(['Hannah']);
  });

  it('takes a middle initial, repeated mentions of a surname, dialogue speakers and relationship cues', () => {
    expect(values(personNameDetector, 'have you heard Tamara T Stanković speak yet?')).toEqual(['Tamara T Stanković']);
    expect(values(personNameDetector, 'Ask Erlendur G. Hafliðason')).toEqual([]); // Erlendur: not in the list
    expect(values(personNameDetector, 'a film directed by Anna Kowalczyk and starring Kowalczyk')).toEqual([
      'Anna Kowalczyk',
      'Kowalczyk',
    ]);
    expect(values(personNameDetector, 'Hannah: "Who are you?"\nBen: "A friend."')).toEqual(['Hannah']);
    expect(values(personNameDetector, 'I would like to remove my kid Tadzio from the will.')).toEqual(['Tadzio']);
    // A surname repeated only counts after a pair named the person; a speaker label needs the quote.
    expect(values(personNameDetector, 'Kowalczyk and starring Kowalczyk')).toEqual([]);
    expect(values(personNameDetector, 'Hannah: see below')).toEqual([]);
  });

  it('leaves streets, places, organisations, titles and code alone', () => {
    for (const text of [
      'Meet me at 221 Victoria Street.',
      'Will you send it today?',
      'May I ask a question?',
      'The venue is the Austin Convention Center downtown.',
      'Il habite 12 rue Victor Hugo à Lyon.',
      'I love the Julia language and Ruby on Rails.',
      'Ship it to 8 Monika Union, Apt. 485.',
      'addresses: 03751 Gerrit Achterberghove 137',
      'const annaSmith = new JohnDoe();',
      'Read The Daily Mark Report Online today.',
      'We met Grace Hospital staff.',
      'The Hope Foundation funds research.',
      'Our new Apple Muffins recipe is here.',
      'ask Claude to summarise it',
    ]) {
      expect(values(personNameDetector, text), text).toEqual([]);
    }
  });

  it('does not find names missing from the gazetteer without a cue, but does with one', () => {
    // Precondition: the test would prove nothing if these were in the list.
    expect(GIVEN_NAMES.has('wei') || GIVEN_NAMES.has('jürgen')).toBe(false);
    expect(values(personNameDetector, 'Please follow up with Wei Zhang tomorrow.')).toEqual([]);
    expect(values(personNameDetector, 'My name is Wei Zhang.')).toEqual(['Wei Zhang']);
  });

  it('finds each name once, linearly, in a long text', () => {
    const text = 'Please call Sophie Lang about it. '.repeat(5000);
    expect(findNames(text)).toHaveLength(5000);
  });
});
