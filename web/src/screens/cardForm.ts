import type { Card, CardContent, CardPatch, NewCard } from '../api/types';
import type { MessageKey } from '../i18n/i18n';

/** Limits of POST /api/cards (docs/api.md). */
export const FRONT_MAX = 500;
export const BACK_MAX = 1000;

export interface FormRow {
  /** Stable React key for a row that the user may reorder by deleting others. */
  key: number;
  name: string;
  value: string;
}

/** The card as the form edits it: every field a string, forms as editable rows. */
export type CardFormValues = Omit<Record<keyof CardContent, string>, 'forms'> & { forms: FormRow[] };

export type CardFormErrors = Partial<Record<'front' | 'back' | 'forms', MessageKey>>;

const OPTIONAL_TEXT = [
  'lemma',
  'part_of_speech',
  'gender',
  'transcription',
  'example',
  'example_translation',
  'notes',
] as const;

let rowKey = 0;
export function formRow(name = '', value = ''): FormRow {
  rowKey += 1;
  return { key: rowKey, name, value };
}

export function emptyCardForm(): CardFormValues {
  return {
    front: '',
    back: '',
    lemma: '',
    part_of_speech: '',
    gender: '',
    forms: [],
    transcription: '',
    example: '',
    example_translation: '',
    notes: '',
  };
}

/** A value of a card's `forms`: text as the server stores it (the contract types it as any JSON). */
export function formText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function cardFormOf(card: Card): CardFormValues {
  const values = emptyCardForm();
  values.front = card.front;
  values.back = card.back;
  for (const field of OPTIONAL_TEXT) values[field] = card[field] ?? '';
  values.forms = Object.entries(card.forms ?? {}).map(([name, value]) => formRow(name, formText(value)));
  return values;
}

export function validateCardForm(values: CardFormValues): CardFormErrors {
  const errors: CardFormErrors = {};
  const front = values.front.trim();
  const back = values.back.trim();
  if (front.length === 0 || front.length > FRONT_MAX) errors.front = 'card.frontRequired';
  if (back.length === 0 || back.length > BACK_MAX) errors.back = 'card.backRequired';
  const filled = values.forms.filter((row) => row.name.trim() || row.value.trim());
  if (filled.some((row) => !row.name.trim())) errors.forms = 'card.formNameRequired';
  else {
    const names = filled.map((row) => row.name.trim().toLowerCase());
    if (new Set(names).size !== names.length) errors.forms = 'card.formNameRepeated';
  }
  return errors;
}

/** Rows with a name and a value, as the API's `forms` object; null when there are none. */
function formsOf(rows: FormRow[]): Record<string, string> | null {
  const entries = rows
    .map((row) => [row.name.trim(), row.value.trim()] as const)
    .filter(([name, value]) => name && value);
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** Trimmed field values; an empty optional field is null ("not set"). */
export function contentOf(values: CardFormValues): CardContent {
  const content: CardContent = {
    front: values.front.trim(),
    back: values.back.trim(),
    lemma: null,
    part_of_speech: null,
    gender: null,
    forms: formsOf(values.forms),
    transcription: null,
    example: null,
    example_translation: null,
    notes: null,
  };
  for (const field of OPTIONAL_TEXT) content[field] = values[field].trim() || null;
  return content;
}

/** POST body: only the fields the user filled in. */
export function newCardOf(values: CardFormValues, deckId: string): NewCard {
  const card: NewCard = { deck_id: deckId, front: '', back: '' };
  for (const [field, value] of Object.entries(contentOf(values))) {
    if (value !== null) (card as unknown as Record<string, unknown>)[field] = value;
  }
  return card;
}

function sameForms(a: Card['forms'], b: CardContent['forms']): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** PATCH body: only the fields that changed, a cleared field sent as null. */
export function cardChanges(card: Card, values: CardFormValues): CardPatch {
  const next = contentOf(values);
  const patch: Record<string, unknown> = {};
  for (const field of Object.keys(next) as (keyof CardContent)[]) {
    if (field === 'forms') {
      if (!sameForms(card.forms, next.forms)) patch.forms = next.forms;
    } else if ((card[field] ?? null) !== next[field]) {
      patch[field] = next[field];
    }
  }
  return patch as CardPatch;
}
