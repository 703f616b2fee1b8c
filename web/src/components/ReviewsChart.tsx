import type { DayStats } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { dateValue, formatStudyDate, niceMax, reviewBuckets, type BucketUnit, type ChartBucket } from '../stats/stats';

/** Which bars get a date under them: every one for a week, else the first, some between and the last. */
function labelledIndexes(count: number): Set<number> {
  if (count <= 7) return new Set(Array.from({ length: count }, (_, i) => i));
  const last = count - 1;
  return new Set([0, Math.round(last / 2), last]);
}

function bucketLabel(bucket: ChartBucket, unit: BucketUnit, count: number, lang: string): string {
  if (unit === 'month') {
    return new Intl.DateTimeFormat(lang, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(dateValue(bucket.start)));
  }
  if (unit === 'day' && count <= 7) return formatStudyDate(bucket.start, lang, { weekday: 'short' });
  return formatStudyDate(bucket.start, lang, { day: 'numeric', month: 'short' });
}

function bucketName(bucket: ChartBucket, unit: BucketUnit, lang: string): string {
  const long = { day: 'numeric', month: 'long' } as const;
  if (unit === 'day') return formatStudyDate(bucket.start, lang, { weekday: 'short', ...long });
  if (unit === 'month') {
    return new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(dateValue(bucket.start)));
  }
  return `${formatStudyDate(bucket.start, lang, long)} — ${formatStudyDate(bucket.end, lang, long)}`;
}

/**
 * Reviews over the period as bars (a day each up to three months, then weeks, then months),
 * days without reviews as zero; the y axis from 0 to a round maximum, dates under the bars.
 */
export function ReviewsChart({ from, to, days }: { from: string; to: string; days: DayStats[] }) {
  const { t, lang } = useI18n();
  const { unit, buckets } = reviewBuckets(from, to, days);
  const top = niceMax(Math.max(0, ...buckets.map((b) => b.reviews)));
  const total = buckets.reduce((sum, b) => sum + b.reviews, 0);
  const labelled = labelledIndexes(buckets.length);
  const title = t(`chart.title.${unit}`);
  const long = { day: 'numeric', month: 'long', year: 'numeric' } as const;
  const summary = t('chart.label', {
    title,
    from: formatStudyDate(from, lang, long),
    to: formatStudyDate(to, lang, long),
    total: t('chart.total', { n: total }),
  });
  const ticks = top % 2 === 0 ? [top, top / 2, 0] : [top, 0];

  return (
    <section className="card chart" aria-label={title} data-testid="reviews-chart" data-unit={unit}>
      <p className="section-title">{title}</p>
      <p className="chart-total" data-testid="chart-total">
        {t('chart.total', { n: total })}
      </p>
      <div className="chart-y-title hint" aria-hidden="true">
        {t('chart.yAxis')}
      </div>
      <div className="chart-area">
        <div className="chart-y" aria-hidden="true">
          {ticks.map((tick) => (
            <span key={tick} style={{ bottom: `${(tick / top) * 100}%` }}>
              {tick}
            </span>
          ))}
        </div>
        <div className="chart-plot" role="img" aria-label={summary}>
          {ticks.map((tick) => (
            <span key={tick} className="chart-grid" style={{ bottom: `${(tick / top) * 100}%` }} />
          ))}
          <div className={`chart-bars ${buckets.length > 40 ? 'chart-bars-dense' : ''}`}>
            {buckets.map((bucket) => (
              <span
                key={bucket.start}
                className={`chart-bar ${bucket.reviews === 0 ? 'chart-bar-zero' : ''} ${bucket.end === to ? 'chart-bar-today' : ''}`}
                style={{ height: bucket.reviews === 0 ? undefined : `${(bucket.reviews / top) * 100}%` }}
                title={t('chart.bar', { date: bucketName(bucket, unit, lang), n: bucket.reviews })}
                data-date={bucket.start}
                data-value={bucket.reviews}
              />
            ))}
          </div>
        </div>
      </div>
      <div className="chart-x" aria-hidden="true">
        {buckets.map((bucket, i) =>
          labelled.has(i) ? (
            <span
              key={bucket.start}
              className={i === 0 && buckets.length > 7 ? 'chart-x-first' : i === buckets.length - 1 && buckets.length > 7 ? 'chart-x-last' : undefined}
              style={{ left: `${((i + 0.5) / buckets.length) * 100}%` }}
            >
              {bucketLabel(bucket, unit, buckets.length, lang)}
            </span>
          ) : null,
        )}
      </div>
      <div className="chart-x-title hint" aria-hidden="true">
        {t(`chart.xAxis.${unit}`)}
      </div>
    </section>
  );
}
