import { describe, expect, it } from 'vitest';
import { card } from '../test/apiStub';
import { cardChanges, cardFormOf, contentOf, emptyCardForm, formRow, formText, newCardOf, validateCardForm } from './cardForm';
import { deckChanges, deckFormOf, newDeckOf, validateDeckForm } from './deckForm';
import { deck } from '../test/apiStub';

describe('card form', () => {
  it('requires front and back within their limits', () => {
    expect(validateCardForm(emptyCardForm())).toEqual({ front: 'card.frontRequired', back: 'card.backRequired' });
    const values = { ...emptyCardForm(), front: '  ', back: 'x'.repeat(1001) };
    expect(validateCardForm(values)).toEqual({ front: 'card.frontRequired', back: 'card.backRequired' });
    expect(validateCardForm({ ...emptyCardForm(), front: 'Hund', back: 'собака' })).toEqual({});
  });

  it('checks form rows: a value needs a name, names do not repeat', () => {
    const base = { ...emptyCardForm(), front: 'a', back: 'b' };
    expect(validateCardForm({ ...base, forms: [formRow('', 'Hunde')] }).forms).toBe('card.formNameRequired');
    expect(validateCardForm({ ...base, forms: [formRow('plural', 'a'), formRow('Plural', 'b')] }).forms).toBe(
      'card.formNameRepeated',
    );
    // An untouched empty row is simply ignored.
    expect(validateCardForm({ ...base, forms: [formRow()] })).toEqual({});
  });

  it('posts only filled fields, trimmed, with forms as an object', () => {
    const values = {
      ...emptyCardForm(),
      front: ' der Hund ',
      back: 'собака',
      gender: 'der',
      forms: [formRow('plural', 'Hunde'), formRow()],
    };
    expect(newCardOf(values, 'd-1')).toEqual({
      deck_id: 'd-1',
      front: 'der Hund',
      back: 'собака',
      gender: 'der',
      forms: { plural: 'Hunde' },
    });
  });

  it('round-trips a card and reports only real changes; a cleared field becomes null', () => {
    const original = card({ front: 'der Hund', lemma: 'Hund', forms: { plural: 'Hunde' }, notes: 'n' });
    const values = cardFormOf(original);
    expect(cardChanges(original, values)).toEqual({});
    expect(contentOf(values).forms).toEqual({ plural: 'Hunde' });
    expect(cardChanges(original, { ...values, notes: '', forms: [] })).toEqual({ notes: null, forms: null });
  });

  it('reads a card whose optional fields are left out (the contract allows it) as unset', () => {
    const sparse = { ...card({ front: 'Hund' }), lemma: undefined, forms: undefined, progress: undefined };
    const values = cardFormOf(sparse);
    expect(values.lemma).toBe('');
    expect(values.forms).toEqual([]);
    expect(cardChanges(sparse, values)).toEqual({});
  });

  it('shows a form value as text (the contract types forms as any JSON object)', () => {
    expect(formText('Hunde')).toBe('Hunde');
    expect(formText(2)).toBe('2');
    expect(cardFormOf(card({ forms: { plural: 'Hunde', count: 2 } })).forms.map((row) => [row.name, row.value])).toEqual([
      ['plural', 'Hunde'],
      ['count', '2'],
    ]);
  });
});

describe('deck form', () => {
  it('requires a name of 1–100 characters and a description of at most 500', () => {
    expect(validateDeckForm({ name: ' ', description: '' })).toEqual({ name: 'decks.nameRequired' });
    expect(validateDeckForm({ name: 'x'.repeat(101), description: 'y'.repeat(501) })).toEqual({
      name: 'decks.nameRequired',
      description: 'decks.descriptionTooLong',
    });
  });

  it('sends a trimmed name, and only what changed', () => {
    expect(newDeckOf({ name: ' Travel ', description: '' })).toEqual({ name: 'Travel' });
    const d = deck({ name: 'Travel', description: 'old' });
    expect(deckChanges(d, deckFormOf(d))).toEqual({});
    expect(deckChanges(d, { name: 'Trips', description: '' })).toEqual({ name: 'Trips', description: null });
  });
});
