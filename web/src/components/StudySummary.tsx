import { Link } from 'react-router-dom';
import { formatDuration, formatInterval } from '../domain/intervals';
import { useI18n } from '../i18n/i18n';
import type { SessionSummary } from '../study/session';

const DAY_MS = 86_400_000;

/** End of a session: answers, accuracy, time spent and when the next review is due. */
export function StudySummary({
  summary,
  dayEndsAt,
  more,
  onContinue,
  now,
}: {
  summary: SessionSummary;
  dayEndsAt: string | null;
  /** Cards still available today (e.g. after finishing early). */
  more: number;
  onContinue: () => void;
  now: number;
}) {
  const { t, lang } = useI18n();
  const percent = summary.accuracy === null ? '—' : `${Math.round(summary.accuracy * 100)}%`;
  let next = t('study.summary.nothingNext');
  if (summary.nextDue) {
    const due = new Date(summary.nextDue);
    // Later today: the clock time; later than that: the date, plus "in 3d" as on the buttons.
    const today = dayEndsAt !== null && due.getTime() < new Date(dayEndsAt).getTime();
    const when = today
      ? new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(due)
      : `${new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(due)} (${formatInterval(
          // Whole days: a card due "in 23 h 59 min" tomorrow reads as "1 d".
          Math.max(1, Math.round((due.getTime() - now) / DAY_MS)) * 86_400,
          lang,
        )})`;
    next = t('study.summary.nextDue', { when });
  }
  return (
    <section className="card summary" aria-label={t('study.summary.title')} data-testid="study-summary">
      <h2>{t('study.summary.title')}</h2>
      <dl className="summary-stats">
        <div>
          <dt>{t('study.summary.reviewed')}</dt>
          <dd data-testid="summary-reviewed">{summary.reviewed}</dd>
        </div>
        <div>
          <dt>{t('study.summary.accuracy')}</dt>
          <dd data-testid="summary-accuracy">{percent}</dd>
        </div>
        <div>
          <dt>{t('study.summary.time')}</dt>
          <dd data-testid="summary-time">{formatDuration(summary.durationMs, lang)}</dd>
        </div>
      </dl>
      <p data-testid="summary-next">{next}</p>
      {more > 0 && (
        <>
          <p className="hint">{t('study.summary.more', { n: more })}</p>
          <button type="button" className="button button-primary button-wide" onClick={onContinue}>
            {t('study.summary.continue')}
          </button>
        </>
      )}
      <div className="row">
        <Link to="/" className="button button-grow">
          {t('study.summary.home')}
        </Link>
        <Link to="/cards" className="button button-grow">
          {t('study.summary.cards')}
        </Link>
      </div>
    </section>
  );
}
