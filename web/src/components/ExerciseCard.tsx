import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Exercise } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { haptics } from '../telegram/haptics';
import { InlineError } from './States';

/** The longest free-text answer the server takes. */
export const ANSWER_MAX = 1000;

export type Submission = { answer: string; choice?: undefined } | { answer: string; choice: number };

interface Props {
  exercise: Exercise;
  hint: string | undefined;
  onHint: () => void;
  hintPending: boolean;
  hintError: unknown;
  onSubmit: (submission: Submission) => void;
  submitting: boolean;
  submitError: unknown;
}

/**
 * One exercise: the instruction and the text to work on, then a free-text answer with a hint,
 * or four options (tap one, or press 1–4), and "Check".
 */
export function ExerciseCard({ exercise, hint, onHint, hintPending, hintError, onSubmit, submitting, submitError }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<number | null>(null);
  const options = exercise.kind === 'multiple_choice' ? (exercise.options ?? []) : null;
  const tooLong = text.length > ANSWER_MAX;
  const ready = options ? choice !== null : text.trim() !== '' && !tooLong;

  const submit = () => {
    if (!ready || submitting) return;
    if (options && choice !== null) onSubmit({ answer: options[choice] ?? '', choice });
    else onSubmit({ answer: text.trim() });
  };

  // 1–4 pick an option; Enter checks it.
  useEffect(() => {
    if (!options) return undefined;
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const n = Number(event.key);
      if (Number.isInteger(n) && n >= 1 && n <= options.length) {
        event.preventDefault();
        setChoice(n - 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [options]);

  const onTextKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <>
      <section className="card exercise" aria-labelledby={`${id}-question`} data-testid="exercise" data-kind={exercise.kind}>
        <p className="section-title">{t(`exercises.kind.${exercise.kind}`)}</p>
        <p id={`${id}-question`} className="exercise-question">
          {exercise.question}
        </p>
        <p className="exercise-prompt" data-testid="exercise-prompt">
          {exercise.prompt}
        </p>
      </section>
      {options ? (
        <div className="choices" role="radiogroup" aria-label={t('session.options')}>
          {options.map((option, index) => (
            <button
              key={index}
              type="button"
              role="radio"
              aria-checked={choice === index}
              className={`choice-option ${choice === index ? 'choice-option-selected' : ''}`}
              disabled={submitting}
              onClick={() => {
                haptics.selection();
                setChoice(index);
              }}
            >
              <span className="choice-number" aria-hidden="true">
                {index + 1}
              </span>
              <span className="choice-label">{option}</span>
            </button>
          ))}
        </div>
      ) : (
        <div className="field answer-field">
          <label htmlFor={`${id}-answer`}>{t('session.answer')}</label>
          <textarea
            id={`${id}-answer`}
            className="input answer-input"
            rows={2}
            value={text}
            placeholder={t('session.answerPlaceholder')}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            disabled={submitting}
            aria-invalid={tooLong}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onTextKey}
          />
          {tooLong && <small className="hint hint-warning">{t('session.answerTooLong')}</small>}
          {hint !== undefined ? (
            <p className="exercise-hint" data-testid="exercise-hint" role="status">
              {t('session.hintUsed', { hint })}
            </p>
          ) : (
            <button
              type="button"
              className="button button-small button-quiet hint-button"
              onClick={onHint}
              disabled={hintPending || submitting}
              aria-busy={hintPending}
            >
              {hintPending ? t('session.hintLoading') : t('session.hint')}
            </button>
          )}
          <InlineError error={hintError} />
        </div>
      )}
      <InlineError error={submitError} />
      <PrimaryAction text={t('session.check')} onClick={submit} disabled={!ready} loading={submitting} />
    </>
  );
}
