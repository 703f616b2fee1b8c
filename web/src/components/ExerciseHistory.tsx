import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Attempt, Grade, Topic } from '../api/types';
import { useExerciseHistory } from '../hooks/exerciseQueries';
import { useI18n } from '../i18n/i18n';
import { MistakeList } from './ExerciseResult';
import { EmptyState, ErrorState, Skeleton } from './States';

const GRADES: readonly Grade[] = ['correct', 'partial', 'incorrect'];

/** Past attempts, newest first, filtered by topic and result, a page at a time. */
export function ExerciseHistory({ topics }: { topics: readonly Topic[] }) {
  const { t } = useI18n();
  const [topicId, setTopicId] = useState('');
  const [result, setResult] = useState<Grade | ''>('');
  const history = useExerciseHistory({ topic_id: topicId || undefined, result: result || undefined });
  const attempts = history.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = topicId !== '' || result !== '';

  if (!filtered && history.isSuccess && attempts.length === 0) {
    return (
      <EmptyState
        text={t('history.empty')}
        action={
          <Link to="/exercises/session" className="button button-primary">
            {t('history.startFirst')}
          </Link>
        }
      />
    );
  }
  return (
    <section className="history" aria-label={t('exercises.tab.history')}>
      <div className="filters" role="group" aria-label={t('history.filters')}>
        <select
          className="input"
          aria-label={t('history.topic')}
          value={topicId}
          onChange={(event) => setTopicId(event.target.value)}
        >
          <option value="">{t('history.allTopics')}</option>
          {topics.map((topic) => (
            <option key={topic.id} value={topic.id}>
              {topic.name}
            </option>
          ))}
        </select>
        <select
          className="input"
          aria-label={t('history.result')}
          value={result}
          onChange={(event) => setResult(event.target.value as Grade | '')}
        >
          <option value="">{t('history.allResults')}</option>
          {GRADES.map((grade) => (
            <option key={grade} value={grade}>
              {t(`history.result.${grade}`)}
            </option>
          ))}
        </select>
      </div>
      {history.isPending && <Skeleton lines={6} />}
      {history.isError && <ErrorState error={history.error} onRetry={() => history.refetch()} />}
      {history.isSuccess && attempts.length === 0 && (
        <p className="hint" role="status">
          {t('history.nothingFound')}
        </p>
      )}
      {attempts.length > 0 && (
        <ul className="attempt-list" aria-busy={history.isFetching} data-testid="attempt-list">
          {attempts.map((attempt) => (
            <AttemptRow key={attempt.id} attempt={attempt} />
          ))}
        </ul>
      )}
      {history.hasNextPage && (
        <button
          type="button"
          className="button button-wide"
          onClick={() => history.fetchNextPage()}
          disabled={history.isFetchingNextPage}
          aria-busy={history.isFetchingNextPage}
        >
          {t('history.loadMore')}
        </button>
      )}
    </section>
  );
}

function AttemptRow({ attempt }: { attempt: Attempt }) {
  const { t, lang } = useI18n();
  const when = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(
    new Date(attempt.completed_at),
  );
  const hasDetails = attempt.explanation.trim() !== '' || attempt.mistakes.length > 0;
  return (
    <li className={`card attempt attempt-${attempt.result}`} data-result={attempt.result} data-testid="attempt">
      <div className="attempt-head">
        <span className={`grade grade-${attempt.result}`}>{t(`history.result.${attempt.result}`)}</span>
        <span className="hint attempt-topic">{attempt.topic_name ?? t('history.noTopic')}</span>
        <time className="hint attempt-time" dateTime={attempt.completed_at}>
          {when}
        </time>
      </div>
      <p className="hint">{attempt.question}</p>
      <p className="attempt-prompt">{attempt.prompt}</p>
      <p className="attempt-answer">
        {t('history.yourAnswer', { answer: attempt.user_answer })}
        {attempt.used_hint && <span className="badge attempt-hinted">{t('session.usedHint')}</span>}
      </p>
      {attempt.result !== 'correct' && (
        <p className="attempt-right-answer">{t('history.correctAnswer', { answer: attempt.correct_answer })}</p>
      )}
      {hasDetails && (
        <details className="attempt-details">
          <summary>{t('history.details')}</summary>
          {attempt.explanation && <p>{attempt.explanation}</p>}
          <MistakeList mistakes={attempt.mistakes} />
        </details>
      )}
    </li>
  );
}
