import type { Deck, DeckPatch, NewDeck } from '../api/types';
import type { MessageKey } from '../i18n/i18n';

/** Limits of POST /api/decks (docs/api.md). */
export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 500;

export interface DeckFormValues {
  name: string;
  description: string;
}

export type DeckFormErrors = Partial<Record<keyof DeckFormValues, MessageKey>>;

export function deckFormOf(deck?: Deck): DeckFormValues {
  return { name: deck?.name ?? '', description: deck?.description ?? '' };
}

export function validateDeckForm(values: DeckFormValues): DeckFormErrors {
  const errors: DeckFormErrors = {};
  const name = values.name.trim();
  if (name.length === 0 || name.length > NAME_MAX) errors.name = 'decks.nameRequired';
  if (values.description.trim().length > DESCRIPTION_MAX) errors.description = 'decks.descriptionTooLong';
  return errors;
}

export function newDeckOf(values: DeckFormValues): NewDeck {
  const description = values.description.trim();
  return description ? { name: values.name.trim(), description } : { name: values.name.trim() };
}

/** Only what changed; a cleared description is sent as null. */
export function deckChanges(deck: Deck, values: DeckFormValues): DeckPatch {
  const patch: DeckPatch = {};
  const name = values.name.trim();
  const description = values.description.trim() || null;
  if (name !== deck.name) patch.name = name;
  if (description !== (deck.description ?? null)) patch.description = description;
  return patch;
}
