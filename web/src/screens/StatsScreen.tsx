import { Link, useSearchParams } from 'react-router-dom';
import type { Stats, StatsPeriod } from '../api/types';
import { ActivityCalendar } from '../components/ActivityCalendar';
import { ReviewsChart } from '../components/ReviewsChart';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { StreakCard } from '../components/Streak';
import { TopicAccuracyList } from '../components/TopicAccuracyList';
import { languageName } from '../domain/languages';
import { percent } from '../exercises/topics';
import { useMe, useProfiles } from '../hooks/queries';
import { CALENDAR_WEEKS, useCalendar, useStats, useStreak } from '../hooks/statsQueries';
import { useI18n, type Translate } from '../i18n/i18n';
import { hoursMinutes } from '../stats/stats';
import { activeProfileOf } from './Home';
import './Exercises.css';
import '../stats/Stats.css';

const PERIODS: StatsPeriod[] = ['week', 'month', '3months', 'year', 'all'];

function periodOf(value: string | null): StatsPeriod {
  return PERIODS.find((p) => p === value) ?? 'week';
}

/** "1 ч 25 мин", "25 мин", "меньше минуты" (and "0 мин" for none). */
export function formatDuration(seconds: number, t: Translate): string {
  if (seconds > 0 && seconds < 30) return t('stats.underMinute');
  const { hours, minutes } = hoursMinutes(seconds);
  return hours > 0 ? t('stats.hoursMinutes', { h: hours, m: minutes }) : t('stats.minutes', { m: minutes });
}

/**
 * `/stats`: the streak and the 12-week calendar (all languages), then for the active language
 * and a period: reviews per day, retention, time, cards by state and exercise accuracy by topic.
 */
export function StatsScreen() {
  const { t } = useI18n();
  const streak = useStreak();
  const calendar = useCalendar();
  const me = useMe();

  let content;
  if (streak.isPending) {
    content = (
      <>
        <Skeleton lines={3} />
        <Skeleton lines={5} />
      </>
    );
  } else if (streak.isSuccess && streak.data.active_days === 0) {
    // Nothing ever counted: what to do, not empty charts.
    const noCards = me.data?.limits.cards?.used === 0;
    content = (
      <div className="card stats-empty" data-testid="stats-empty">
        <h2>{t('stats.empty.title')}</h2>
        <EmptyState
          text={t('stats.empty.text')}
          action={
            <div className="empty-actions">
              <Link
                to={noCards ? '/cards' : '/study'}
                className="button button-primary button-wide"
                data-testid="stats-empty-action"
              >
                {t(noCards ? 'home.firstSteps.add' : 'home.study')}
              </Link>
              <Link to="/exercises" className="button button-wide">
                {t('home.exercises')}
              </Link>
            </div>
          }
        />
      </div>
    );
  } else {
    content = (
      <>
        {streak.isError ? (
          <ErrorState error={streak.error} onRetry={() => streak.refetch()} />
        ) : (
          <StreakCard streak={streak.data} zone={me.data?.user.timezone} />
        )}
        {calendar.isPending && <Skeleton lines={4} />}
        {calendar.isError && <ErrorState error={calendar.error} onRetry={() => calendar.refetch()} />}
        {calendar.isSuccess && <ActivityCalendar calendar={calendar.data} weeks={CALENDAR_WEEKS} />}
        <PeriodStats />
      </>
    );
  }

  return (
    <main className="screen stats">
      <h1>{t('stats.title')}</h1>
      {content}
    </main>
  );
}

function PeriodStats() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const period = periodOf(params.get('period'));
  const stats = useStats(period);
  const profiles = useProfiles();
  const me = useMe();
  const active = me.data && profiles.data ? activeProfileOf(me.data, profiles.data) : undefined;
  const select = (next: StatsPeriod) => setParams(next === 'week' ? {} : { period: next }, { replace: true });

  return (
    <>
      <div className="period-switch" role="group" aria-label={t('stats.period')} data-testid="period-switch">
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={`segment ${p === period ? 'segment-selected' : ''}`}
            aria-pressed={p === period}
            data-period={p}
            onClick={() => select(p)}
          >
            {t(`stats.period.${p}`)}
          </button>
        ))}
      </div>
      {active && profiles.data && profiles.data.length > 1 && (
        <p className="hint">{t('stats.profileHint', { language: languageName(active.language, lang) })}</p>
      )}
      {stats.isPending && <Skeleton lines={6} />}
      {stats.isError && !stats.data && <ErrorState error={stats.error} onRetry={() => stats.refetch()} />}
      {stats.data && (
        <div
          className={`period-stats ${stats.isPlaceholderData ? 'period-loading' : ''}`}
          aria-busy={stats.isPlaceholderData}
          data-testid="period-stats"
          data-period={stats.data.period}
        >
          <PeriodContent stats={stats.data} />
        </div>
      )}
    </>
  );
}

function PeriodContent({ stats }: { stats: Stats }) {
  const { t } = useI18n();
  const empty = stats.days.length === 0 && stats.reviews.total === 0 && stats.exercises.attempts === 0;
  const ratings = [
    ['again', stats.reviews.again],
    ['hard', stats.reviews.hard],
    ['good', stats.reviews.good],
    ['easy', stats.reviews.easy],
  ] as const;
  return (
    <>
      {empty && (
        <p className="card period-empty" data-testid="period-empty">
          {t('stats.periodEmpty')}
        </p>
      )}
      <ReviewsChart from={stats.from} to={stats.to} days={stats.days} />
      <section className="card" aria-label={t('stats.reviews')}>
        <dl className="summary-stats">
          <div>
            <dt>{t('stats.reviews')}</dt>
            <dd data-testid="stats-reviews">{stats.reviews.total}</dd>
          </div>
          <div>
            <dt>{t('stats.retention')}</dt>
            <dd data-testid="stats-retention">{stats.retention == null ? '—' : `${percent(stats.retention)}%`}</dd>
          </div>
          <div>
            <dt>{t('stats.time')}</dt>
            <dd data-testid="stats-time">{formatDuration(stats.time_spent_seconds, t)}</dd>
          </div>
        </dl>
        {stats.reviews.total > 0 && (
          <ul className="rating-counts" data-testid="rating-counts">
            {ratings.map(([rating, n]) => (
              <li key={rating} className={`rating-count rating-count-${rating}`}>
                {t(`study.${rating}`)} <strong>{n}</strong>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">{t(stats.retention == null ? 'stats.retentionNone' : 'stats.retentionHint')}</p>
        <p className="hint" data-testid="stats-active-days">
          {t('stats.activeDaysInPeriod', { n: stats.days.length })}
        </p>
      </section>
      <CardStates cards={stats.cards} />
      <TopicAccuracyList exercises={stats.exercises} />
    </>
  );
}

const STATES = ['new', 'learning', 'relearning', 'review'] as const;

function CardStates({ cards }: { cards: Stats['cards'] }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-label={t('stats.cards')} data-testid="card-states">
      <p className="section-title">{t('stats.cards')}</p>
      {cards.total === 0 ? (
        <p className="hint">{t('stats.noCards')}</p>
      ) : (
        <>
          <span className="state-bar" aria-hidden="true">
            {STATES.map((state) =>
              cards[state] > 0 ? (
                <span key={state} className={`state-bar-part state-${state}`} style={{ flexGrow: cards[state] }} />
              ) : null,
            )}
          </span>
          <ul className="state-legend">
            {STATES.map((state) => (
              <li key={state} data-state={state}>
                <span className={`state-dot state-${state}`} aria-hidden="true" />
                {t(`cardState.${state}`)} <strong>{cards[state]}</strong>
              </li>
            ))}
          </ul>
          <p className="hint">{t('stats.cardsTotal', { n: cards.total })}</p>
        </>
      )}
    </section>
  );
}
