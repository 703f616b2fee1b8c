import { Link } from 'react-router-dom';
import type { Stats } from '../api/types';
import { percent } from '../exercises/topics';
import { useI18n } from '../i18n/i18n';
import { topicsByAccuracy, weakestTopic } from '../stats/stats';

function meterLevel(accuracy: number): string {
  if (accuracy < 0.5) return 'meter-low';
  return accuracy < 0.8 ? 'meter-mid' : '';
}

/** Exercise accuracy per topic over the period, weakest first and marked, with a way to practise it. */
export function TopicAccuracyList({ exercises }: { exercises: Stats['exercises'] }) {
  const { t } = useI18n();
  const topics = topicsByAccuracy(exercises.by_topic);
  const weakest = weakestTopic(exercises.by_topic);
  return (
    <section className="card topic-accuracy" aria-label={t('stats.exercises')} data-testid="topic-accuracy">
      <p className="section-title">{t('stats.exercises')}</p>
      {exercises.attempts === 0 ? (
        <>
          <p className="hint">{t('stats.noExercises')}</p>
          <Link to="/exercises" className="button button-small stats-inline-link">
            {t('stats.toExercises')}
          </Link>
        </>
      ) : (
        <>
          {exercises.accuracy != null && (
            <p data-testid="exercises-total">
              {t('stats.exercisesTotal', { percent: percent(exercises.accuracy), attempts: exercises.attempts })}
            </p>
          )}
          <ul className="accuracy-list">
            {topics.map((topic) => {
              const isWeakest = weakest !== undefined && topic === weakest;
              return (
                <li
                  key={topic.topic_id ?? 'deleted'}
                  className={`accuracy-row ${isWeakest ? 'accuracy-weakest' : ''}`}
                  data-topic={topic.name ?? ''}
                  data-weakest={isWeakest || undefined}
                >
                  <div className="accuracy-head">
                    <span className={topic.name ? 'accuracy-name' : 'accuracy-name hint'}>
                      {topic.name ?? t('history.noTopic')}
                    </span>
                    {isWeakest && <span className="badge badge-weakest">{t('stats.weakest')}</span>}
                  </div>
                  <span className="meter" aria-hidden="true">
                    <span className={`meter-fill ${meterLevel(topic.accuracy)}`} style={{ width: `${percent(topic.accuracy)}%` }} />
                  </span>
                  <span className="hint">
                    {t('topics.accuracy', { percent: percent(topic.accuracy), attempts: topic.attempts })}
                  </span>
                </li>
              );
            })}
          </ul>
          {weakest?.topic_id && weakest.name && (
            <Link
              to={`/exercises/session?topic=${encodeURIComponent(weakest.topic_id)}`}
              className="button button-wide"
              data-testid="practise-weakest"
            >
              {t('session.summary.practiseWeakest', { name: weakest.name })}
            </Link>
          )}
        </>
      )}
    </section>
  );
}
