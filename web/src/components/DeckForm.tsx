import { useId, type ReactNode } from 'react';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n/i18n';
import { DESCRIPTION_MAX, NAME_MAX, validateDeckForm, type DeckFormValues } from '../screens/deckForm';

interface Props {
  values: DeckFormValues;
  onChange: (values: DeckFormValues) => void;
  onSubmit: () => void;
  submitLabel: string;
  pending: boolean;
  label: string;
  /** Server feedback shown above the buttons. */
  children?: ReactNode;
  onCancel?: () => void;
}

/** Name (required) and description of a deck, for creating and renaming. */
export function DeckForm({ values, onChange, onSubmit, submitLabel, pending, label, children, onCancel }: Props) {
  const { t } = useI18n();
  const id = useId();
  const errors = validateDeckForm(values);
  const { shown, submit } = useFormSubmit(errors, onSubmit);


  return (
    <form className="form" onSubmit={submit} noValidate aria-label={label}>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('decks.name')} *</label>
        <input
          id={`${id}-name`}
          name="name"
          className="input"
          value={values.name}
          maxLength={NAME_MAX}
          aria-invalid={Boolean(shown.name)}
          aria-describedby={shown.name ? `${id}-name-error` : undefined}
          onChange={(event) => onChange({ ...values, name: event.target.value })}
        />
        {shown.name && (
          <small id={`${id}-name-error`} className="hint hint-warning">
            {t(shown.name)}
          </small>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t('decks.description')}</label>
        <textarea
          id={`${id}-description`}
          name="description"
          className="input"
          rows={2}
          value={values.description}
          aria-invalid={Boolean(shown.description)}
          aria-describedby={`${id}-description-hint`}
          onChange={(event) => onChange({ ...values, description: event.target.value })}
        />
        <small id={`${id}-description-hint`} className={shown.description ? 'hint hint-warning' : 'hint'}>
          {shown.description ? t(shown.description) : `${values.description.length}/${DESCRIPTION_MAX}`}
        </small>
      </div>
      {children}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={pending} aria-busy={pending}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
