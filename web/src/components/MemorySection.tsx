import { useState } from 'react';
import type { InterfaceLanguage, Memory } from '../api/types';
import { formatDate } from '../billing/format';
import { useMemory, useResetMemory } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { formatStudyDate } from '../stats/stats';
import { haptics } from '../telegram/haptics';
import { ConfirmPanel } from './ConfirmPanel';
import { InlineError, Skeleton } from './States';
import './MemorySection.css';

/** How much better the fit predicted the learner's recent reviews, in whole percent of log loss. */
export function fitGain(fit: NonNullable<Memory['last_fit']>): number | null {
  const { log_loss_before: before, log_loss_after: after } = fit;
  if (before == null || after == null || before <= 0) return null;
  return Math.round(((before - after) / before) * 100);
}

/**
 * The profile's memory model in plain words: which FSRS parameters schedule the cards (the
 * defaults, or the learner's own since a date), what the last fit found, the retention
 * actually reached against the one asked for, and the reviews coming in the next 30 days.
 */
export function MemorySection({ profileId, lang }: { profileId: string; lang: InterfaceLanguage }) {
  const { t } = useI18n();
  const memory = useMemory(profileId);
  const reset = useResetMemory(profileId);
  const [confirm, setConfirm] = useState(false);

  if (memory.isPending) {
    return (
      <section className="card memory" aria-busy="true">
        <h2>{t('memory.title')}</h2>
        <Skeleton lines={4} />
      </section>
    );
  }
  if (memory.isError) {
    return (
      <section className="card memory">
        <h2>{t('memory.title')}</h2>
        <InlineError error={memory.error} />
      </section>
    );
  }
  const data = memory.data;
  const personal = data.parameters_source === 'personal' && data.personal_since;
  const fit = data.last_fit;
  const gain = fit ? fitGain(fit) : null;
  const total = data.forecast.reduce((sum, day) => sum + day.reviews, 0);
  const peak = Math.max(1, ...data.forecast.map((day) => day.reviews));
  const lastDay = data.forecast.at(-1);

  const resetToDefaults = () =>
    reset.mutate(undefined, {
      onSuccess: () => {
        setConfirm(false);
        haptics.notification('success');
      },
      onError: () => haptics.notification('error'),
    });

  return (
    <section className="card memory" aria-labelledby="memory-title">
      <h2 id="memory-title">{t('memory.title')}</h2>
      <p>
        {personal
          ? t('memory.personal', { date: formatDate(data.personal_since as string, lang) })
          : t('memory.default', { n: data.next_fit_at_reviews, done: data.review_count })}
      </p>
      {fit && (
        <p className="hint" data-testid="memory-fit">
          {fit.outcome === 'adopted' && gain !== null && gain > 0
            ? t('memory.fit.adopted', { n: fit.review_count, gain })
            : fit.outcome === 'failed'
              ? t('memory.fit.failed', { date: formatDate(fit.at, lang) })
              : t('memory.fit.rejected', { date: formatDate(fit.at, lang), n: fit.review_count })}
        </p>
      )}
      <p data-testid="memory-retention">
        {data.true_retention == null
          ? t('memory.retention.none')
          : t('memory.retention', {
              actual: Math.round(data.true_retention * 100),
              desired: Math.round(data.desired_retention * 100),
              n: data.retention_reviews,
            })}
      </p>
      <figure className="memory-forecast" aria-label={t('memory.forecast.title', { n: total })}>
        <figcaption>{t('memory.forecast.title', { n: total })}</figcaption>
        <div className="memory-bars">
          {data.forecast.map((day) => (
            <span
              key={day.date}
              className="memory-bar"
              style={{ height: `${Math.round((day.reviews / peak) * 100)}%` }}
              title={`${formatStudyDate(day.date, lang, { day: 'numeric', month: 'short' })}: ${day.reviews}`}
            />
          ))}
        </div>
        <div className="memory-axis hint">
          <span>{t('memory.forecast.today', { n: data.forecast[0]?.reviews ?? 0 })}</span>
          <span>{lastDay && formatStudyDate(lastDay.date, lang, { day: 'numeric', month: 'short' })}</span>
        </div>
      </figure>
      {personal &&
        (confirm ? (
          <ConfirmPanel
            text={t('memory.reset.confirm')}
            confirmLabel={t('memory.reset.yes')}
            onConfirm={resetToDefaults}
            onCancel={() => setConfirm(false)}
            pending={reset.isPending}
          />
        ) : (
          <button type="button" className="button button-wide" onClick={() => setConfirm(true)}>
            {t('memory.reset')}
          </button>
        ))}
      <InlineError error={reset.error} />
    </section>
  );
}
