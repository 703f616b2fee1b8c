import { Link } from 'react-router-dom';
import type { Streak } from '../api/types';
import { useMe } from '../hooks/queries';
import { useStreak } from '../hooks/statsQueries';
import { useI18n, type Translate } from '../i18n/i18n';
import { localMoment } from '../stats/stats';
import { FlameIcon } from './Icons';
import '../stats/Stats.css';

/**
 * What the learner should know about today: keep the streak by a time (their zone, "today" /
 * "tomorrow" / a date), or that it is safe until then, or how to start one.
 */
export function streakAdvice(streak: Streak, zone: string | undefined, t: Translate, lang: string, now = new Date()): string {
  if (streak.current === 0) return t(streak.active_days > 0 ? 'streak.lost' : 'streak.none');
  const moment = streak.safe_until ? localMoment(streak.safe_until, zone, lang, now) : undefined;
  if (!moment) return t(streak.today_done ? 'streak.todayDone' : 'streak.todayOpen');
  const prefix = streak.today_done ? 'streak.safe' : 'streak.keep';
  return t(`${prefix}.${moment.day}`, { time: moment.time, date: moment.date });
}

/** The chip's short status: done today, or keep it by a time. */
function chipStatus(streak: Streak, zone: string | undefined, t: Translate, lang: string, now = new Date()): string | null {
  if (streak.today_done) return t('streak.chip.done');
  const moment = streak.safe_until ? localMoment(streak.safe_until, zone, lang, now) : undefined;
  return moment ? t(`streak.chip.${moment.day}`, { time: moment.time, date: moment.date }) : null;
}

/** The stats screen's streak: current in a row, today, "safe until", best and days in total. */
export function StreakCard({ streak, zone }: { streak: Streak; zone: string | undefined }) {
  const { t, lang } = useI18n();
  const lit = streak.current > 0;
  return (
    <section className="card streak" aria-label={t('streak.title')} data-testid="streak-card">
      <p className="section-title">{t('streak.title')}</p>
      <div className="streak-main">
        <span className={`streak-flame ${lit ? 'streak-flame-lit' : ''}`}>
          <FlameIcon lit={lit} size={40} />
        </span>
        <div className="streak-figures">
          <p className="streak-current" data-testid="streak-current">
            {t('streak.inARow', { n: streak.current })}
          </p>
          {streak.current > 0 && (
            <p
              className={`streak-today ${streak.today_done ? 'streak-today-done' : ''}`}
              data-testid="streak-today"
              data-done={streak.today_done}
            >
              {streak.today_done && <span aria-hidden="true">✓ </span>}
              {t(streak.today_done ? 'streak.todayDone' : 'streak.todayOpen')}
            </p>
          )}
        </div>
      </div>
      <p className="streak-advice" data-testid="streak-advice">
        {streakAdvice(streak, zone, t, lang)}
      </p>
      <p className="hint streak-totals">
        <span data-testid="streak-best">{t('streak.best', { n: streak.best })}</span>
        <span aria-hidden="true"> · </span>
        <span data-testid="streak-active-days">{t('streak.activeDays', { n: streak.active_days })}</span>
      </p>
    </section>
  );
}

/**
 * Home's streak: the days in a row and today's state, linking to /stats. Quiet while loading
 * (a placeholder of its size) and on failure (the stats screen says what went wrong).
 */
export function StreakChip() {
  const { t, lang } = useI18n();
  const streak = useStreak();
  const me = useMe();
  if (streak.isPending) return <span className="streak-chip streak-chip-pending" aria-hidden="true" />;
  if (streak.isError) return null;
  const zone = me.data?.user.timezone;
  const lit = streak.data.current > 0;
  const main = lit ? t('streak.days', { n: streak.data.current }) : t('streak.chip.start');
  const status = lit ? chipStatus(streak.data, zone, t, lang) : null;
  const text = status ? `${main} · ${status}` : main;
  return (
    <Link
      to="/stats"
      className={`streak-chip ${lit ? 'streak-chip-lit' : ''} ${streak.data.today_done ? 'streak-chip-done' : ''}`}
      data-testid="streak-chip"
      aria-label={t('streak.chip.label', { text })}
    >
      <FlameIcon lit={lit} size={18} />
      <span className="streak-chip-main">{main}</span>
      {status && <span className="streak-chip-status">{status}</span>}
      <span className="streak-chip-arrow" aria-hidden="true">
        ›
      </span>
    </Link>
  );
}
