import { useId } from 'react';
import type { TopicKind } from '../api/types';
import { isApiError } from '../api/errors';
import {
  TOPIC_DESCRIPTION_MAX,
  TOPIC_KINDS,
  TOPIC_NAME_MAX,
  validateTopicForm,
  type TopicFormValues,
} from '../exercises/topics';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n/i18n';
import { InlineError } from './States';

interface Props {
  values: TopicFormValues;
  onChange: (values: TopicFormValues) => void;
  onSubmit: () => void;
  submitLabel: string;
  pending: boolean;
  label: string;
  /** The failed save, if any: a taken name is said under the name field. */
  error: unknown;
  onCancel?: () => void;
}

/** 409 CONFLICT with details.field "name": the profile has a topic of that name. */
export function topicNameTaken(error: unknown): boolean {
  return isApiError(error) && error.code === 'CONFLICT' && error.details?.field === 'name';
}

/** A topic's name (required), description and kind, for adding and editing. */
export function TopicForm({ values, onChange, onSubmit, submitLabel, pending, label, error, onCancel }: Props) {
  const { t } = useI18n();
  const id = useId();
  const errors = validateTopicForm(values);
  const { shown, submit } = useFormSubmit(errors, onSubmit);
  const taken = topicNameTaken(error);
  const nameError = shown.name ? t(shown.name) : taken ? t('topics.nameTaken') : null;


  return (
    <form className="form" onSubmit={submit} noValidate aria-label={label}>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('topics.name')} *</label>
        <input
          id={`${id}-name`}
          name="name"
          className="input"
          value={values.name}
          maxLength={TOPIC_NAME_MAX}
          placeholder={t('topics.namePlaceholder')}
          aria-invalid={Boolean(nameError)}
          aria-describedby={nameError ? `${id}-name-error` : undefined}
          onChange={(event) => onChange({ ...values, name: event.target.value })}
        />
        {nameError && (
          <small id={`${id}-name-error`} className="hint hint-warning" role={taken ? 'alert' : undefined}>
            {nameError}
          </small>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('topics.kind')}</label>
        <select
          id={`${id}-kind`}
          name="kind"
          className="input"
          value={values.kind}
          onChange={(event) => onChange({ ...values, kind: event.target.value as TopicKind })}
        >
          {TOPIC_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`topics.kind.${kind}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t('topics.description')}</label>
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
          {shown.description ? t(shown.description) : `${values.description.length}/${TOPIC_DESCRIPTION_MAX}`}
        </small>
      </div>
      {!taken && <InlineError error={error} />}
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
