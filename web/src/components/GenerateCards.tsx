import { useEffect, useId, useRef, useState } from 'react';
import type { Deck, GenerateReport } from '../api/types';
import { formatResetTime, quotaExhausted } from '../domain/quota';
import { useGenerateCards } from '../generate/useGenerateCards';
import { useI18n } from '../i18n/i18n';
import { GENERATE_MAX_WORDS, parseWords, validateWords } from '../screens/generateWords';
import { haptics } from '../telegram/haptics';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { GenerateError, GenerateQuota, WordRow } from './GenerateResults';

/**
 * "Generate from words": up to 20 words or phrases become cards written by the LLM
 * (`POST /api/cards/generate`, streamed). Each word shows pending → created / duplicate /
 * failed as its `event: word` arrives, then a summary and the quota left. A run left midway
 * on an earlier visit is offered again ("show the result").
 */
export function GenerateCards({ deck, onRunningChange }: { deck: Deck; onRunningChange?: (running: boolean) => void }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const generation = useGenerateCards(deck.id);
  const { run, running, quota: currentQuota } = generation;

  // The add screen keeps its mode switch still while a run lasts.
  const report = useRef(onRunningChange);
  useEffect(() => {
    report.current = onRunningChange;
  });
  useEffect(() => {
    report.current?.(running);
  }, [running]);
  useEffect(() => () => report.current?.(false), []);

  const words = parseWords(text);
  const problem = validateWords(words);
  const shownProblem = problem && (submitted || problem.key !== 'generate.empty') ? problem : null;
  const exhausted = quotaExhausted(currentQuota);

  /** A run that ends with its report leaves an empty form for the next words. */
  const clearWhenDone = (outcome: Promise<GenerateReport | null>) => {
    void outcome.then((report) => {
      if (!report) return;
      setText('');
      setSubmitted(false);
    });
  };

  const submit = () => {
    setSubmitted(true);
    if (problem || running) {
      haptics.notification('error');
      return;
    }
    haptics.impact('light');
    clearWhenDone(generation.generate(words, crypto.randomUUID()));
  };

  const failedWords = run?.phase === 'done' ? run.words.filter((word) => run.results[word]?.status === 'failed') : [];

  return (
    <div className="generate form">
      <div className="card">
        <div className="field">
          <label htmlFor={`${id}-words`}>{t('generate.words')}</label>
          <textarea
            id={`${id}-words`}
            name="words"
            className="input"
            rows={5}
            value={text}
            disabled={running}
            aria-invalid={Boolean(shownProblem)}
            aria-describedby={`${id}-hint ${id}-count${shownProblem ? ` ${id}-problem` : ''}`}
            onChange={(event) => setText(event.target.value)}
          />
          <small id={`${id}-hint`} className="hint">
            {t('generate.hint', { max: GENERATE_MAX_WORDS })}
          </small>
          <small
            id={`${id}-count`}
            className={`hint ${words.length > GENERATE_MAX_WORDS ? 'hint-warning' : ''}`}
            data-testid="generate-count"
          >
            {t('generate.count', { count: words.length, max: GENERATE_MAX_WORDS })}
          </small>
          {shownProblem && (
            <small id={`${id}-problem`} className="hint hint-warning" role="alert">
              {t(shownProblem.key, shownProblem.params)}
            </small>
          )}
          <GenerateQuota quota={currentQuota} />
        </div>
      </div>

      {exhausted && currentQuota && (
        <div className="inline-error" role="alert" data-testid="generate-quota-exceeded">
          <p>
            {t('generate.quotaExceeded', {
              left: 0,
              max: currentQuota.max ?? 0,
              time: formatResetTime(currentQuota.reset_at, lang),
            })}
          </p>
        </div>
      )}

      {generation.pending && !run && (
        <section className="card generate-pending" aria-label={t('generate.results')} data-testid="generate-pending">
          <p>{t('generate.pendingRun', { words: wordsPreview(generation.pending.words) })}</p>
          <button type="button" className="button button-primary button-wide" onClick={() => clearWhenDone(generation.showPending())}>
            {t('generate.showResult')}
          </button>
          <button type="button" className="button button-wide" onClick={generation.dismissPending}>
            {t('generate.dismissPending')}
          </button>
        </section>
      )}

      {run && (
        <section className="card generate-run" aria-label={t('generate.results')} aria-busy={running}>
          <p className="section-title">{t('generate.results')}</p>
          {running && (
            <p className="hint" role="status">
              {t('generate.running')}
            </p>
          )}
          <ul className="generate-results" data-testid="generate-results">
            {run.words.map((word) => (
              <WordRow
                key={word}
                word={word}
                result={run.results[word]}
                progress={run.progress[word]}
                running={running}
              />
            ))}
          </ul>
          {run.report && (
            <p role="status" data-testid="generate-summary">
              <strong>
                {t('generate.summary', {
                  created: run.report.created,
                  duplicates: run.report.duplicates,
                  failed: run.report.failed,
                })}
              </strong>
            </p>
          )}
          {run.phase === 'failed' && <GenerateError error={run.error} quota={currentQuota} onRetry={() => clearWhenDone(generation.retry())} />}
          {failedWords.length > 0 && (
            <button
              type="button"
              className="button button-wide"
              onClick={() => {
                setText(failedWords.join('\n'));
                generation.clearRun();
              }}
            >
              {t('generate.retryFailed')}
            </button>
          )}
        </section>
      )}

      <PrimaryAction
        text={running ? t('generate.running') : t('generate.submit')}
        onClick={submit}
        disabled={exhausted}
        loading={running}
      />
    </div>
  );
}

/** The first few words of a run, for a one-line reminder of which run it was. */
function wordsPreview(words: string[]): string {
  const shown = words.slice(0, 3).join(', ');
  return words.length > 3 ? `${shown}…` : shown;
}
