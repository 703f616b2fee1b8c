import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiError, NETWORK_ERROR, isApiError } from '../api/errors';
import { isAbortError, streamError } from '../api/sse';
import type { Deck, GenerateReport, Me, Quota, WordResult } from '../api/types';
import { formatResetTime, quotaExhausted, quotaFromDetails, quotaLeft } from '../domain/quota';
import { queryKeys, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { GENERATE_MAX_WORDS, parseWords, validateWords } from '../screens/generateWords';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { errorText } from './errorText';
import { InlineError } from './States';

interface Run {
  words: string[];
  /** The Idempotency-Key of this submission; a retry after a lost connection reuses it. */
  key: string;
  results: Record<string, WordResult>;
  /** Words whose LLM call has ended (`event: progress`) before the cards are saved together. */
  progress: Record<string, 'generated' | 'failed'>;
  report: GenerateReport | null;
  phase: 'running' | 'done' | 'failed';
  error: unknown;
}

function isWordResult(value: unknown): value is WordResult {
  return typeof value === 'object' && value !== null && typeof (value as WordResult).word === 'string' && typeof (value as WordResult).status === 'string';
}

interface Progress {
  word: string;
  status: 'generated' | 'failed';
}

function isProgress(value: unknown): value is Progress {
  const status = (value as Progress | null)?.status;
  return typeof (value as Progress | null)?.word === 'string' && (status === 'generated' || status === 'failed');
}

function withProgress(run: Run, progress: Progress): Run {
  const row = rowOf({ word: progress.word } as WordResult, run.words);
  return { ...run, progress: { ...run.progress, [row]: progress.status } };
}

function isReport(value: unknown): value is GenerateReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as GenerateReport).results);
}

/** The sent word a result belongs to: as sent, else the same word ignoring case. */
function rowOf(result: WordResult, words: string[]): string {
  if (words.includes(result.word)) return result.word;
  const wanted = result.word.trim().normalize('NFC').toLocaleLowerCase();
  return words.find((word) => word.normalize('NFC').toLocaleLowerCase() === wanted) ?? result.word;
}

function withResults(run: Run, results: WordResult[]): Run {
  const next = { ...run.results };
  for (const result of results) next[rowOf(result, run.words)] = result;
  return { ...run, results: next };
}

/** Errors worth the same submission again: a lost connection, or the first still running. */
function retriesSameKey(error: unknown): boolean {
  return isApiError(error) && (error.code === NETWORK_ERROR || (error.code === 'CONFLICT' && error.details?.reason === 'in_progress'));
}

/** Errors a fresh submission of the same words may get past (the provider failed). */
function retriesFresh(error: unknown): boolean {
  return isApiError(error) && (error.code === 'LLM_SERVICE_ERROR' || error.status >= 500) && error.code !== 'LLM_NOT_CONFIGURED';
}

/**
 * "Generate from words": up to 20 words or phrases become cards written by the LLM
 * (`POST /api/cards/generate`, streamed). Each word shows pending → created / duplicate /
 * failed as its `event: word` arrives, then a summary and the quota left.
 */
export function GenerateCards({ deck }: { deck: Deck }) {
  const { t, lang } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const me = useMe();
  const id = useId();
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  const [quota, setQuota] = useState<Quota | undefined>(undefined);
  const abort = useRef<AbortController | null>(null);

  useEffect(
    () => () => {
      abort.current?.abort();
    },
    [],
  );

  const words = parseWords(text);
  const problem = validateWords(words);
  const shownProblem = problem && (submitted || problem.key !== 'generate.empty') ? problem : null;
  const running = run?.phase === 'running';
  const currentQuota = quota ?? me.data?.limits.card_generation;
  const exhausted = quotaExhausted(currentQuota);

  const rememberQuota = (next: Quota) => {
    setQuota(next);
    queryClient.setQueryData<Me>(queryKeys.me, (data) =>
      data ? { ...data, limits: { ...data.limits, card_generation: next } } : data,
    );
  };

  const generate = async (list: string[], key: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const outcome: { report: GenerateReport | null; failure: ApiError | null } = { report: null, failure: null };
    setRun({ words: list, key, results: {}, progress: {}, report: null, phase: 'running', error: null });
    try {
      const body = await api.generateCards(client, { deck_id: deck.id, words: list }, key, {
        signal: controller.signal,
        onEvent: (event, data) => {
          if (event === 'word' && isWordResult(data)) {
            setRun((current) => current && withResults(current, [data]));
          } else if (event === 'progress' && isProgress(data)) {
            setRun((current) => current && withProgress(current, data));
          } else if (event === 'done' && isReport(data)) {
            outcome.report = data;
          } else if (event === 'error') {
            outcome.failure = streamError(data);
          }
        },
      });
      if (isReport(body)) outcome.report = body;
      if (outcome.failure) throw outcome.failure;
      const report = outcome.report;
      if (!report) throw new ApiError(0, NETWORK_ERROR, 'The generation stream ended before its report');
      setRun((current) => current && { ...withResults(current, report.results), report, phase: 'done' });
      if (report.quota) rememberQuota(report.quota);
      setText('');
      setSubmitted(false);
      haptics.notification(report.failed > 0 ? 'warning' : 'success');
    } catch (error) {
      if (isAbortError(error)) return;
      haptics.notification('error');
      const details = isApiError(error) ? error.details : undefined;
      const exceeded = isApiError(error) && error.code === 'QUOTA_EXCEEDED' ? quotaFromDetails(details) : undefined;
      if (exceeded) rememberQuota(exceeded);
      // 502 when every word failed: the per-word reasons come in details.results.
      const partial = Array.isArray(details?.results) ? details.results.filter(isWordResult) : [];
      setRun((current) => current && { ...withResults(current, partial), phase: 'failed', error });
    } finally {
      if (abort.current === controller) abort.current = null;
      // Some cards may exist even after a failure.
      void queryClient.invalidateQueries({ queryKey: queryKeys.decks });
      void queryClient.invalidateQueries({ queryKey: queryKeys.cards });
    }
  };

  const submit = () => {
    setSubmitted(true);
    if (problem || running) {
      haptics.notification('error');
      return;
    }
    haptics.impact('light');
    void generate(words, crypto.randomUUID());
  };

  const retry = () => {
    if (!run) return;
    void generate(run.words, retriesSameKey(run.error) ? run.key : crypto.randomUUID());
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
          {run.phase === 'failed' && <GenerateError error={run.error} quota={currentQuota} onRetry={retry} />}
          {failedWords.length > 0 && (
            <button
              type="button"
              className="button button-wide"
              onClick={() => {
                setText(failedWords.join('\n'));
                setRun(null);
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

function GenerateQuota({ quota }: { quota: Quota | undefined }) {
  const { t } = useI18n();
  if (!quota) return null;
  const left = quotaLeft(quota);
  return (
    <small className="hint" data-testid="generate-quota">
      {left === null ? t('generate.quotaUnlimited') : t('generate.quotaLeft', { left, max: quota.max ?? 0 })}
    </small>
  );
}

function WordRow({
  word,
  result,
  progress,
  running,
}: {
  word: string;
  result: WordResult | undefined;
  progress: Progress['status'] | undefined;
  running: boolean;
}) {
  const { t } = useI18n();
  // Until its final result arrives a word is pending, then written (saved with the others at the end).
  const status = result?.status ?? (running ? (progress === 'generated' ? 'written' : 'pending') : 'unknown');
  const card = result?.card;
  return (
    <li className={`generate-row generate-${status}`} data-word={word} data-status={status}>
      <div className="generate-row-head">
        <strong className="generate-word">{word}</strong>
        {status === 'pending' && <span className="hint">{t('generate.pending')}</span>}
        {status === 'written' && <span className="hint">{t('generate.written')}</span>}
        {status === 'created' && <span className="badge badge-new">{t('generate.created')}</span>}
        {status === 'duplicate' && <span className="badge">{t('generate.duplicate')}</span>}
        {status === 'failed' && <span className="badge badge-learning">{t('generate.failed')}</span>}
      </div>
      {card && status === 'created' && (
        <Link to={`/cards/card/${card.id}`} className="generate-card">
          <span>{card.front}</span> — <span>{card.back}</span>
        </Link>
      )}
      {card && status === 'duplicate' && (
        <p className="hint">
          {card.front} — {card.back} · <Link to={`/cards/card/${card.id}`}>{t('card.openExisting')}</Link>
        </p>
      )}
      {status === 'failed' && (
        <p className="hint hint-warning">
          {result?.error ? errorText(t, new ApiError(0, result.error.code, result.error.message)) : t('generate.failed')}
        </p>
      )}
    </li>
  );
}

/** Why the whole submission failed, in the words of the situation, with a retry when one helps. */
function GenerateError({ error, quota, onRetry }: { error: unknown; quota: Quota | undefined; onRetry: () => void }) {
  const { t, lang } = useI18n();
  const code = isApiError(error) ? error.code : undefined;
  let text: string | undefined;
  if (code === 'LLM_NOT_CONFIGURED') text = t('generate.notConfigured');
  else if (code === 'NETWORK_ERROR') text = t('generate.interrupted');
  else if (code === 'QUOTA_EXCEEDED') {
    const exceeded = (isApiError(error) ? quotaFromDetails(error.details) : undefined) ?? quota;
    if (exceeded && exceeded.max !== null) {
      text = t('generate.quotaExceeded', {
        left: quotaLeft(exceeded) ?? 0,
        max: exceeded.max,
        time: formatResetTime(exceeded.reset_at, lang),
      });
    }
  }
  const canRetry = retriesSameKey(error) || retriesFresh(error);
  return (
    <div data-testid="generate-error">
      {text ? (
        <div className="inline-error" role="alert">
          <p>{text}</p>
        </div>
      ) : (
        <InlineError error={error} />
      )}
      {canRetry && (
        <button type="button" className="button button-wide" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
