import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Topic } from '../api/types';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { ExerciseHistory } from '../components/ExerciseHistory';
import { ExercisesQuotaLine } from '../components/ExercisesQuotaLine';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { TopicForm } from '../components/TopicForm';
import { TopicSuggestions } from '../components/TopicSuggestions';
import { activeTopic, newTopicOf, percent, topicChanges, topicFormOf } from '../exercises/topics';
import {
  exercisesQuota,
  useActivateTopic,
  useCreateTopic,
  useDeleteTopic,
  usePatchTopic,
  useSuggestTopics,
  useTopics,
} from '../hooks/exerciseQueries';
import { llmAvailable, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import './Exercises.css';

type Tab = 'topics' | 'history';

/** `/exercises` (topics: accuracy, practise, suggest, add, edit) and `/exercises?tab=history`. */
export function ExercisesScreen() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'history' ? 'history' : 'topics';
  const topics = useTopics();
  const select = (next: Tab) => setParams(next === 'history' ? { tab: 'history' } : {}, { replace: true });

  return (
    <main className="screen exercises">
      <h1>{t('exercises.title')}</h1>
      <div className="segmented tabs" role="tablist" aria-label={t('exercises.title')}>
        {(['topics', 'history'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={`segment ${tab === name ? 'segment-selected' : ''}`}
            onClick={() => select(name)}
          >
            {t(`exercises.tab.${name}`)}
          </button>
        ))}
      </div>
      {topics.isPending && <Skeleton lines={6} />}
      {topics.isError && <ErrorState error={topics.error} onRetry={() => topics.refetch()} />}
      {topics.isSuccess &&
        (tab === 'topics' ? <TopicsPanel topics={topics.data} /> : <ExerciseHistory topics={topics.data} />)}
    </main>
  );
}

function TopicsPanel({ topics }: { topics: Topic[] }) {
  const { t } = useI18n();
  const me = useMe();
  const llm = llmAvailable(me.data);
  const suggest = useSuggestTopics();
  const [suggesting, setSuggesting] = useState(false);
  const [adding, setAdding] = useState(false);

  const openSuggestions = () => {
    setSuggesting(true);
    // The server caches them per profile; asking again costs nothing once they are there.
    if (!suggest.data && !suggest.isPending) suggest.mutate();
  };
  const suggestButton = (
    <button
      type="button"
      className="button button-wide"
      onClick={openSuggestions}
      disabled={!llm}
      aria-describedby={llm ? undefined : 'suggest-unavailable'}
      data-testid="suggest-topics"
    >
      {t('topics.suggest')}
    </button>
  );
  const addButton = (
    <button type="button" className="button button-wide" onClick={() => setAdding(true)} data-testid="add-topic">
      + {t('topics.add')}
    </button>
  );
  const unavailable = !llm && (
    <p id="suggest-unavailable" className="hint" data-testid="suggest-unavailable">
      {t('topics.suggestUnavailable')}
    </p>
  );
  // One tree for both cases, so the suggestions stay open (with what was added) when the
  // first topic added turns the empty state into the list.
  const empty = topics.length === 0;
  return (
    <>
      {empty ? (
        <EmptyState
          text={t('topics.empty')}
          action={
            <div className="empty-actions">
              {!suggesting && suggestButton}
              {!suggesting && unavailable}
              {!adding && addButton}
            </div>
          }
        />
      ) : (
        <>
          <PracticeCard topics={topics} />
          <section aria-label={t('topics.list')}>
            <p className="section-title">{t('topics.list')}</p>
            <ul className="topic-list">
              {topics.map((topic) => (
                <TopicRow key={topic.id} topic={topic} />
              ))}
            </ul>
          </section>
        </>
      )}
      {suggesting && (
        <TopicSuggestions
          pending={suggest.isPending}
          error={suggest.error}
          data={suggest.data}
          topics={topics}
          onRetry={() => suggest.mutate()}
          onClose={() => setSuggesting(false)}
        />
      )}
      {adding && <NewTopic onDone={() => setAdding(false)} />}
      {!empty && !suggesting && suggestButton}
      {!empty && !suggesting && unavailable}
      {!empty && !adding && addButton}
    </>
  );
}

/** The active topic and the way into a session, with today's exercises left. */
function PracticeCard({ topics }: { topics: Topic[] }) {
  const { t } = useI18n();
  const me = useMe();
  const active = activeTopic(topics);
  const quota = exercisesQuota(me.data);
  const llm = llmAvailable(me.data);
  return (
    <section className="card practice" aria-label={t('exercises.practice')} data-testid="practice">
      <p className="section-title">{t('exercises.practice')}</p>
      {active ? (
        <>
          <p>{t('exercises.practiceTopic', { name: active.name })}</p>
          {llm ? (
            <Link
              to={`/exercises/session?topic=${encodeURIComponent(active.id)}`}
              className="button button-primary button-wide"
              data-testid="practice-start"
            >
              {t('exercises.practiceStart')}
            </Link>
          ) : (
            <button type="button" className="button button-primary button-wide" disabled aria-describedby="exercises-unavailable">
              {t('exercises.practiceStart')}
            </button>
          )}
        </>
      ) : (
        <p className="hint">{t('exercises.noActive')}</p>
      )}
      {llm && quota && <ExercisesQuotaLine quota={quota} />}
      {!llm && (
        <p id="exercises-unavailable" className="hint" data-testid="exercises-unavailable">
          {t('exercises.llmUnavailable')}
        </p>
      )}
    </section>
  );
}

/** The accuracy bar's colour: red under 50%, amber under 80%, else green. */
function meterLevel(accuracy: number): string {
  if (accuracy < 0.5) return 'meter-low';
  return accuracy < 0.8 ? 'meter-mid' : '';
}

function TopicRow({ topic }: { topic: Topic }) {
  const { t } = useI18n();
  const me = useMe();
  const llm = llmAvailable(me.data);
  const activate = useActivateTopic();
  const remove = useDeleteTopic(topic.id);
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const { stats } = topic;

  return (
    <li className={`card topic-row ${topic.is_active ? 'topic-active' : ''}`} data-topic={topic.name}>
      <div className="topic-head">
        <span className="topic-name">{topic.name}</span>
        {topic.is_active && <span className="badge badge-active">{t('topics.active')}</span>}
        <span className="badge badge-kind">{t(`topics.kind.${topic.kind}`)}</span>
      </div>
      {topic.description && <p className="hint">{topic.description}</p>}
      <div className="topic-stats" data-testid="topic-accuracy">
        {typeof stats.accuracy !== 'number' || stats.attempts === 0 ? (
          <span className="hint">{t('topics.notPractised')}</span>
        ) : (
          <>
            <span>{t('topics.accuracy', { percent: percent(stats.accuracy), attempts: stats.attempts })}</span>
            <span className="meter" aria-hidden="true">
              <span className={`meter-fill ${meterLevel(stats.accuracy)}`} style={{ width: `${percent(stats.accuracy)}%` }} />
            </span>
          </>
        )}
      </div>
      {mode === 'view' && (
        <div className="row topic-actions">
          {llm && (
            <Link
              to={`/exercises/session?topic=${encodeURIComponent(topic.id)}`}
              className="button button-small button-primary"
              data-testid="topic-practise"
            >
              {t('topics.practise')}
            </Link>
          )}
          {!topic.is_active && (
            <button
              type="button"
              className="button button-small"
              disabled={activate.isPending}
              aria-busy={activate.isPending}
              onClick={() =>
                activate.mutate(topic.id, {
                  onSuccess: () => haptics.notification('success'),
                  onError: () => haptics.notification('error'),
                })
              }
            >
              {t('topics.activate')}
            </button>
          )}
          <span className="topic-manage">
            <button type="button" className="link-button" onClick={() => setMode('edit')}>
              {t('topics.edit')}
            </button>
            <button type="button" className="link-button link-danger" onClick={() => setMode('delete')}>
              {t('topics.delete')}
            </button>
          </span>
        </div>
      )}
      {mode === 'edit' && <EditTopic topic={topic} onDone={() => setMode('view')} />}
      {mode === 'delete' && (
        <ConfirmPanel
          text={t('topics.deleteConfirm', { name: topic.name })}
          confirmLabel={t('topics.deleteYes')}
          pending={remove.isPending}
          onCancel={() => setMode('view')}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => haptics.notification('success'),
              onError: () => haptics.notification('error'),
            })
          }
        />
      )}
      <InlineError error={activate.error ?? remove.error} />
    </li>
  );
}

function EditTopic({ topic, onDone }: { topic: Topic; onDone: () => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState(() => topicFormOf(topic));
  const patch = usePatchTopic(topic.id);
  return (
    <TopicForm
      label={t('topics.editTitle')}
      values={values}
      onChange={(next) => {
        patch.reset();
        setValues(next);
      }}
      submitLabel={t('common.save')}
      pending={patch.isPending}
      error={patch.error}
      onCancel={onDone}
      onSubmit={() => {
        const changes = topicChanges(topic, values);
        if (Object.keys(changes).length === 0) {
          onDone();
          return;
        }
        patch.mutate(changes, {
          onSuccess: () => {
            haptics.notification('success');
            onDone();
          },
          onError: () => haptics.notification('error'),
        });
      }}
    />
  );
}

function NewTopic({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState(() => topicFormOf());
  const create = useCreateTopic();
  return (
    <section className="card" aria-label={t('topics.add')}>
      <p className="section-title">{t('topics.add')}</p>
      <TopicForm
        label={t('topics.add')}
        values={values}
        onChange={(next) => {
          create.reset();
          setValues(next);
        }}
        submitLabel={t('topics.addSubmit')}
        pending={create.isPending}
        error={create.error}
        onCancel={onDone}
        onSubmit={() =>
          create.mutate(newTopicOf(values), {
            onSuccess: () => {
              haptics.notification('success');
              onDone();
            },
            onError: () => haptics.notification('error'),
          })
        }
      />
    </section>
  );
}
