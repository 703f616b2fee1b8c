import { useEffect, useState, type ReactNode } from 'react';
import { Link, useBlocker, useNavigate, useSearchParams } from 'react-router-dom';
import type { ExerciseKind, Topic } from '../api/types';
import { isApiError } from '../api/errors';
import type { Quota } from '../api/types';
import { UpgradeLink } from '../billing/UpgradeLink';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ExerciseCard, type Submission } from '../components/ExerciseCard';
import { ExerciseResult } from '../components/ExerciseResult';
import { ExercisesQuotaLine } from '../components/ExercisesQuotaLine';
import { ErrorState, InlineError, Skeleton } from '../components/States';
import { formatDuration } from '../domain/intervals';
import { currentQuota, formatResetTime, quotaExhausted, quotaFromDetails, quotaLeft, quotaMax } from '../domain/quota';
import {
  currentAnswer,
  currentExercise,
  elapsedOnCurrent,
  finishRun,
  leftCount,
  loadRun,
  nextExercise,
  phaseOf,
  runInProgress,
  saveRun,
  startRun,
  summaryOf,
  withAnswer,
  withHint,
  type Run,
} from '../exercises/session';
import {
  COUNT_MAX,
  COUNT_MIN,
  EXERCISE_KINDS,
  activeTopic,
  isExerciseKind,
  parseCount,
  percent,
  weakestTopic,
} from '../exercises/topics';
import {
  exercisesQuota,
  useExerciseHint,
  useGenerateExercises,
  useSubmitExercise,
  useTopics,
} from '../hooks/exerciseQueries';
import { useSharedTopic } from '../groups/queries';
import { llmAvailable, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { useClosingConfirmation } from '../telegram/closingConfirmation';
import { haptics } from '../telegram/haptics';
import './Exercises.css';

/** `/exercises/session?topic=<id>&count=N&kind=<kind>`: a session on the topic (the active one without `topic`). */
export function ExerciseSessionScreen() {
  const [params] = useSearchParams();
  const topicId = params.get('topic') || undefined;
  const count = parseCount(params.get('count'));
  const kindParam = params.get('kind');
  const kind = isExerciseKind(kindParam) ? kindParam : undefined;
  const address = `${topicId ?? 'active'}|${count}|${kind ?? 'any'}`;
  // Another address is another session.
  return <SessionView key={address} address={address} topicId={topicId} initialCount={count} initialKind={kind} />;
}

function isCode(error: unknown, code: string): boolean {
  return isApiError(error) && error.code === code;
}

interface ViewProps {
  address: string;
  topicId: string | undefined;
  initialCount: number;
  initialKind: ExerciseKind | undefined;
}

function SessionView({ address, topicId, initialCount, initialKind }: ViewProps) {
  const { t } = useI18n();
  // A batch already paid for survives a reload (sessionStorage) while its exercises last.
  const [run, setRun] = useState<Run | null>(() => loadRun(window.sessionStorage, address, Date.now()));
  const [expired, setExpired] = useState(false);
  const generate = useGenerateExercises();
  const hint = useExerciseHint();
  const submit = useSubmitExercise();

  useEffect(() => {
    saveRun(window.sessionStorage, address, expired ? null : run);
  }, [address, run, expired]);

  const busy = runInProgress(run) && !expired;
  const blocker = useBlocker(busy);
  useClosingConfirmation(busy);

  const restart = () => {
    generate.reset();
    hint.reset();
    submit.reset();
    setExpired(false);
    setRun(null);
  };

  const phase = run ? phaseOf(run) : null;
  const exercise = run ? currentExercise(run) : undefined;

  const askHint = () => {
    if (!exercise) return;
    hint.mutate(exercise.id, {
      onSuccess: ({ hint: text }) => setRun((r) => r && withHint(r, exercise.id, text)),
      onError: (error) => {
        if (isCode(error, 'EXERCISE_NOT_FOUND')) setExpired(true);
      },
    });
  };

  const answer = (submission: Submission) => {
    if (!run || !exercise) return;
    const durationMs = elapsedOnCurrent(run, Date.now());
    const request =
      submission.choice !== undefined
        ? { choice: submission.choice, duration_ms: durationMs }
        : { answer: submission.answer, duration_ms: durationMs };
    submit.mutate(
      { exerciseId: exercise.id, request },
      {
        onSuccess: (result) => {
          haptics.notification(result.result === 'correct' ? 'success' : result.result === 'partial' ? 'warning' : 'error');
          setRun((r) => r && withAnswer(r, { exercise, answer: submission.answer, result, durationMs }));
        },
        onError: (error) => {
          haptics.notification('error');
          if (isCode(error, 'EXERCISE_NOT_FOUND')) setExpired(true);
        },
      },
    );
  };

  const next = () => {
    hint.reset();
    submit.reset();
    setRun((r) => r && nextExercise(r, Date.now()));
  };

  let body: ReactNode;
  if (expired && run) {
    body = (
      <Blocked testId="exercise-expired" title={t('session.expired.title')} text={t('session.expired.text')}>
        <button type="button" className="button button-primary button-wide" onClick={restart}>
          {t('session.newSession')}
        </button>
        {run.answers.length > 0 && (
          <button
            type="button"
            className="button button-wide"
            onClick={() => {
              setExpired(false);
              setRun((r) => r && finishRun(r, Date.now()));
            }}
          >
            {t('session.toSummary')}
          </button>
        )}
      </Blocked>
    );
  } else if (!run) {
    body = (
      <Setup
        topicId={topicId}
        initialCount={initialCount}
        initialKind={initialKind}
        generate={generate}
        onStart={(request) =>
          generate.mutate(request, {
            onSuccess: (batch) => {
              haptics.impact('light');
              setRun(startRun(batch, Date.now()));
            },
          })
        }
      />
    );
  } else if (phase === 'exercise' && exercise) {
    body = (
      <>
        <ExerciseCard
          key={exercise.id}
          exercise={exercise}
          hint={run.hints[exercise.id]}
          onHint={askHint}
          hintPending={hint.isPending}
          hintError={hint.error}
          onSubmit={answer}
          submitting={submit.isPending}
          submitError={submit.error}
        />
        {run.answers.length > 0 && (
          <div className="study-controls">
            <button type="button" className="button button-small" onClick={() => setRun((r) => r && finishRun(r, Date.now()))}>
              {t('session.finish')}
            </button>
          </div>
        )}
      </>
    );
  } else if (phase === 'result') {
    const answered = currentAnswer(run);
    const last = run.index + 1 >= run.exercises.length;
    body = (
      <>
        {answered && <ExerciseResult answered={answered} />}
        <PrimaryAction text={last ? t('session.toSummary') : t('session.next')} onClick={next} />
      </>
    );
  } else {
    body = <Summary run={run} onAgain={restart} />;
  }

  return (
    <main className="screen exercise-session">
      <header className="study-header">
        <div>
          <h1>{t('exercises.title')}</h1>
          {run && (
            <p className="hint" data-testid="session-topic">
              {t('session.topic', { name: run.topic.name })} · {t('session.difficulty', { level: t(`session.difficulty.${run.difficulty}`) })}
            </p>
          )}
        </div>
        {run && phase !== 'summary' && !expired && (
          <span className="badge study-left" data-testid="exercises-left" aria-live="polite">
            {t('session.left', { n: leftCount(run) })}
          </span>
        )}
      </header>
      {run && phase !== 'summary' && !expired && <Progress run={run} />}
      {body}
      {blocker.state === 'blocked' && (
        <ConfirmDialog
          text={t('session.exitConfirm')}
          confirmLabel={t('session.exitYes')}
          cancelLabel={t('session.exitNo')}
          onConfirm={() => blocker.proceed()}
          onCancel={() => blocker.reset()}
        />
      )}
    </main>
  );
}

function Progress({ run }: { run: Run }) {
  const { t } = useI18n();
  const total = run.exercises.length;
  const done = run.answers.length;
  return (
    <div
      className="exercise-progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-label={t('session.progress', { current: Math.min(run.index + 1, total), total })}
    >
      {run.exercises.map((exercise, index) => (
        <span
          key={exercise.id}
          className={`progress-step ${index < done ? `progress-${run.answers[index]?.result.result ?? 'done'}` : ''} ${
            index === run.index ? 'progress-current' : ''
          }`}
        />
      ))}
    </div>
  );
}

/** A state that replaces the session: its title, what it means, and the way on. */
function Blocked({ title, text, testId, children }: { title: string; text: string; testId: string; children: ReactNode }) {
  return (
    <div className="card state blocked-state" role="status" data-testid={testId}>
      <h2>{title}</h2>
      <p>{text}</p>
      {children}
    </div>
  );
}

function TopicsLink({ primary = false }: { primary?: boolean }) {
  const { t } = useI18n();
  return (
    <Link to="/exercises" className={`button button-wide ${primary ? 'button-primary' : ''}`}>
      {t('session.toTopics')}
    </Link>
  );
}

function QuotaBlocked({ quota }: { quota: Quota }) {
  const { t, lang } = useI18n();
  return (
    <Blocked
      testId="exercise-quota"
      title={t('session.quota.title')}
      text={t('session.quota.text', { used: quota.used, max: quotaMax(quota) ?? '?', time: formatResetTime(quota.reset_at, lang) })}
    >
      <UpgradeLink />
      <TopicsLink />
    </Blocked>
  );
}

function NotConfigured() {
  const { t } = useI18n();
  return (
    <Blocked testId="exercise-not-configured" title={t('session.notConfigured.title')} text={t('session.notConfigured.text')}>
      <TopicsLink />
      <Link to="/" className="button button-wide">
        {t('common.home')}
      </Link>
    </Blocked>
  );
}

type GenerateMutation = ReturnType<typeof useGenerateExercises>;

interface SetupProps {
  topicId: string | undefined;
  initialCount: number;
  initialKind: ExerciseKind | undefined;
  generate: GenerateMutation;
  onStart: (request: { topic_id: string; count: number; kind?: ExerciseKind }) => void;
}

/** Before a session: which topic, how many exercises (1–10) and which kind; then "Start". */
function Setup({ topicId, initialCount, initialKind, generate, onStart }: SetupProps) {
  const { t } = useI18n();
  const me = useMe();
  const topics = useTopics();
  // A topic a teacher shared with one of my groups (`&group=<id>`) is not among my own.
  const [params] = useSearchParams();
  const shared = useSharedTopic(params.get('group'), topicId);
  const [count, setCount] = useState(initialCount);
  const [kind, setKind] = useState<ExerciseKind | ''>(initialKind ?? '');

  if (me.isPending || topics.isPending || shared.isPending) return <Skeleton lines={6} />;
  if (me.isError || topics.isError) {
    return (
      <ErrorState
        error={me.error ?? topics.error}
        onRetry={() => {
          void me.refetch();
          void topics.refetch();
        }}
      />
    );
  }

  const error = generate.error;
  const topic: Pick<Topic, 'id' | 'name' | 'description' | 'kind'> | undefined = topicId
    ? (topics.data.find((tp) => tp.id === topicId) ?? shared.topic)
    : activeTopic(topics.data);
  if (!topic || isCode(error, 'TOPIC_NOT_FOUND')) {
    const gone = topicId !== undefined;
    return (
      <Blocked
        testId="exercise-no-topic"
        title={t(gone ? 'session.topicGone.title' : 'session.noTopic.title')}
        text={t(gone ? 'session.topicGone.text' : 'session.noTopic.text')}
      >
        <TopicsLink primary />
      </Blocked>
    );
  }
  if (!llmAvailable(me.data) || isCode(error, 'LLM_NOT_CONFIGURED')) return <NotConfigured />;

  const refused = isCode(error, 'QUOTA_EXCEEDED') && isApiError(error) ? quotaFromDetails(error.details) : undefined;
  const quota = currentQuota(refused, exercisesQuota(me.data));
  if (quota && quotaExhausted(quota)) return <QuotaBlocked quota={quota} />;

  if (generate.isPending) {
    return (
      <div className="generating" role="status" data-testid="exercise-generating">
        <p>{t('session.generating')}</p>
        <Skeleton lines={5} label={t('session.generating')} />
      </div>
    );
  }

  const left = quota ? quotaLeft(quota) : null;
  const max = Math.max(COUNT_MIN, Math.min(COUNT_MAX, left ?? COUNT_MAX));
  const size = Math.min(count, max);
  const start = () => onStart({ topic_id: topic.id, count: size, ...(kind ? { kind } : {}) });

  return (
    <>
      <section className="card session-setup" aria-label={t('session.setup')}>
        <p className="section-title">{t('session.setup')}</p>
        <p className="setup-topic">
          <strong>{topic.name}</strong> <span className="badge">{t(`topics.kind.${topic.kind}`)}</span>
        </p>
        {topic.description && <p className="hint">{topic.description}</p>}
        <div className="field">
          <span id="session-count-label">{t('session.count')}</span>
          <div className="stepper" role="group" aria-labelledby="session-count-label">
            <button
              type="button"
              className="button stepper-button"
              aria-label={t('session.countLess')}
              disabled={size <= COUNT_MIN}
              onClick={() => setCount(Math.max(COUNT_MIN, size - 1))}
            >
              −
            </button>
            <output className="stepper-value" data-testid="session-count" aria-live="polite">
              {size}
            </output>
            <button
              type="button"
              className="button stepper-button"
              aria-label={t('session.countMore')}
              disabled={size >= max}
              onClick={() => setCount(Math.min(max, size + 1))}
            >
              +
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="session-kind">{t('session.kind')}</label>
          <select
            id="session-kind"
            className="input"
            value={kind}
            onChange={(event) => setKind(isExerciseKind(event.target.value) ? event.target.value : '')}
          >
            <option value="">{t('exercises.kind.any')}</option>
            {EXERCISE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`exercises.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        {quota && <ExercisesQuotaLine quota={quota} />}
        {left !== null && left < COUNT_MAX && <p className="hint">{t('session.quota.fewer', { left })}</p>}
        {error !== null && <InlineError error={error} />}
      </section>
      <PrimaryAction text={t('session.start', { n: size })} onClick={start} />
    </>
  );
}

function Summary({ run, onAgain }: { run: Run; onAgain: () => void }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const topics = useTopics();
  const summary = summaryOf(run, Date.now());
  const weakest = topics.data ? weakestTopic(topics.data) : undefined;
  const accuracy = summary.accuracy === null ? '—' : `${percent(summary.accuracy)}%`;
  return (
    <section className="card summary exercise-summary" aria-label={t('session.summary.title')} data-testid="exercise-summary">
      <h2>{t('session.summary.title')}</h2>
      {summary.total === 0 ? (
        <p>{t('session.summary.none')}</p>
      ) : (
        <>
          <dl className="summary-stats">
            <div className={summary.correct > 0 ? 'stat-correct' : undefined}>
              <dt>{t('session.summary.correct')}</dt>
              <dd data-testid="summary-correct">{summary.correct}</dd>
            </div>
            <div className={summary.partial > 0 ? 'stat-partial' : undefined}>
              <dt>{t('session.summary.partial')}</dt>
              <dd data-testid="summary-partial">{summary.partial}</dd>
            </div>
            <div className={summary.incorrect > 0 ? 'stat-incorrect' : undefined}>
              <dt>{t('session.summary.incorrect')}</dt>
              <dd data-testid="summary-incorrect">{summary.incorrect}</dd>
            </div>
          </dl>
          <dl className="summary-stats summary-stats-2">
            <div>
              <dt>{t('session.summary.accuracy')}</dt>
              <dd data-testid="summary-accuracy">{accuracy}</dd>
            </div>
            <div>
              <dt>{t('session.summary.time')}</dt>
              <dd data-testid="summary-time">{formatDuration(summary.durationMs, lang)}</dd>
            </div>
          </dl>
        </>
      )}
      {topics.isPending && <Skeleton lines={1} />}
      {weakest && typeof weakest.stats.accuracy === 'number' && (
        <div className="notice weakest" data-testid="weakest-topic">
          {weakest.id === run.topic.id ? (
            <>
              <p>{t('session.summary.weakestThis', { percent: percent(weakest.stats.accuracy) })}</p>
              <button type="button" className="button button-primary button-wide" onClick={onAgain}>
                {t('session.summary.practiseWeakest', { name: weakest.name })}
              </button>
            </>
          ) : (
            <>
              <p>{t('session.summary.weakest', { name: weakest.name, percent: percent(weakest.stats.accuracy) })}</p>
              <button
                type="button"
                className="button button-primary button-wide"
                onClick={() => navigate(`/exercises/session?topic=${encodeURIComponent(weakest.id)}&count=${run.exercises.length}`)}
              >
                {t('session.summary.practiseWeakest', { name: weakest.name })}
              </button>
            </>
          )}
        </div>
      )}
      <div className="row">
        {weakest?.id !== run.topic.id && (
          <button type="button" className="button button-grow" onClick={onAgain}>
            {t('session.summary.again')}
          </button>
        )}
        <Link to="/exercises" className="button button-grow">
          {t('session.toTopics')}
        </Link>
        <Link to="/exercises?tab=history" className="button button-grow">
          {t('session.summary.history')}
        </Link>
      </div>
    </section>
  );
}
