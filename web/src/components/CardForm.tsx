import { useId, type ReactNode } from 'react';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n, type MessageKey } from '../i18n/i18n';
import {
  BACK_MAX,
  FRONT_MAX,
  formRow,
  validateCardForm,
  type CardFormValues,
  type FormRow,
} from '../screens/cardForm';
import './CardForm.css';

interface Props {
  values: CardFormValues;
  onChange: (values: CardFormValues) => void;
  onSubmit: () => void;
  submitLabel: string;
  pending: boolean;
  /** The optional fields start open (editing) or folded (adding by hand). */
  showOptional?: boolean;
  /** Server feedback (errors, "added") shown above the submit button. */
  children?: ReactNode;
}

// Common parts of speech as suggestions; any other text is allowed.
const PARTS_OF_SPEECH = ['noun', 'verb', 'adjective', 'adverb', 'pronoun', 'preposition', 'conjunction', 'phrase'];

/** Every field of a card; front and back are required, the rest optional. */
export function CardForm({ values, onChange, onSubmit, submitLabel, pending, showOptional = false, children }: Props) {
  const { t } = useI18n();
  const id = useId();
  const errors = validateCardForm(values);
  const { shown, submit } = useFormSubmit(errors, onSubmit);
  const set = (update: Partial<CardFormValues>) => onChange({ ...values, ...update });


  const text = (field: keyof Omit<CardFormValues, 'forms' | 'front' | 'back'>, label: MessageKey, multiline = false) => (
    <label className="field">
      <span>{t(label)}</span>
      {multiline ? (
        <textarea
          name={field}
          className="input"
          rows={2}
          value={values[field]}
          onChange={(event) => set({ [field]: event.target.value })}
        />
      ) : (
        <input
          name={field}
          className="input"
          value={values[field]}
          onChange={(event) => set({ [field]: event.target.value })}
        />
      )}
    </label>
  );

  return (
    <form className="form card" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-front`}>{t('card.front')} *</label>
        <input
          id={`${id}-front`}
          name="front"
          className="input"
          value={values.front}
          maxLength={FRONT_MAX}
          aria-invalid={Boolean(shown.front)}
          aria-describedby={shown.front ? `${id}-front-error` : undefined}
          onChange={(event) => set({ front: event.target.value })}
        />
        {shown.front && (
          <small id={`${id}-front-error`} className="hint hint-warning">
            {t(shown.front)}
          </small>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-back`}>{t('card.back')} *</label>
        <input
          id={`${id}-back`}
          name="back"
          className="input"
          value={values.back}
          maxLength={BACK_MAX}
          aria-invalid={Boolean(shown.back)}
          aria-describedby={shown.back ? `${id}-back-error` : undefined}
          onChange={(event) => set({ back: event.target.value })}
        />
        {shown.back && (
          <small id={`${id}-back-error`} className="hint hint-warning">
            {t(shown.back)}
          </small>
        )}
      </div>

      <details className="optional-fields" open={showOptional || undefined}>
        <summary>{t('card.more')}</summary>
        <div className="form">
          {text('lemma', 'card.lemma')}
          <label className="field">
            <span>{t('card.partOfSpeech')}</span>
            <input
              name="part_of_speech"
              className="input"
              list="parts-of-speech"
              value={values.part_of_speech}
              onChange={(event) => set({ part_of_speech: event.target.value })}
            />
            <datalist id="parts-of-speech">
              {PARTS_OF_SPEECH.map((part) => (
                <option key={part} value={part} />
              ))}
            </datalist>
          </label>
          {text('gender', 'card.gender')}
          <FormsEditor rows={values.forms} onChange={(forms) => set({ forms })} error={shown.forms} />
          {text('transcription', 'card.transcription')}
          {text('example', 'card.example', true)}
          {text('example_translation', 'card.exampleTranslation', true)}
          {text('notes', 'card.notes', true)}
        </div>
      </details>

      {children}
      <button type="submit" className="button button-primary button-wide" disabled={pending} aria-busy={pending}>
        {submitLabel}
      </button>
    </form>
  );
}

/** Word forms as name/value rows ("plural" → "Hunde"). */
function FormsEditor({
  rows,
  onChange,
  error,
}: {
  rows: FormRow[];
  onChange: (rows: FormRow[]) => void;
  error: MessageKey | undefined;
}) {
  const { t } = useI18n();
  const update = (key: number, change: Partial<FormRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  return (
    <fieldset className="field">
      <legend>{t('card.forms')}</legend>
      {rows.map((row, index) => (
        <div key={row.key} className="form-row" data-testid="form-row">
          <input
            className="input"
            aria-label={`${t('card.formName')} ${index + 1}`}
            placeholder={t('card.formNamePlaceholder')}
            value={row.name}
            onChange={(event) => update(row.key, { name: event.target.value })}
          />
          <input
            className="input"
            aria-label={`${t('card.formValue')} ${index + 1}`}
            value={row.value}
            onChange={(event) => update(row.key, { value: event.target.value })}
          />
          <button
            type="button"
            className="button button-small"
            aria-label={`${t('card.removeForm')} ${index + 1}`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            ×
          </button>
        </div>
      ))}
      {error && <small className="hint hint-warning">{t(error)}</small>}
      <button type="button" className="link-button" onClick={() => onChange([...rows, formRow()])}>
        + {t('card.addForm')}
      </button>
    </fieldset>
  );
}
