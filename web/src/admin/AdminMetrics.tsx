import { useState } from 'react';
import { ErrorState, Skeleton } from '../components/States';
import { useI18n, type MessageKey } from '../i18n/i18n';
import type { AdminMetrics as Metrics, MetricsPeriod } from '../billing/types';
import { withStars } from '../billing/Stars';
import { useAdminMetrics } from './queries';

const PERIODS: MetricsPeriod[] = ['week', 'month', '3months'];

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

function Figures({ items }: { items: [MessageKey, string][] }) {
  const { t } = useI18n();
  return (
    <dl className="metric-grid">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{t(label)}</dt>
          <dd data-testid={`metric-${label.split('.').slice(2).join('-')}`}>{withStars(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Users, activity, retention, LLM cost and Stars revenue for a chosen period. */
export function AdminMetrics() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<MetricsPeriod>('week');
  const metrics = useAdminMetrics(period);
  return (
    <section className="admin-metrics-tab" aria-label={t('admin.tab.metrics')} data-testid="admin-metrics">
      <div className="admin-period" role="group" aria-label={t('admin.metrics.period')}>
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={`segment ${p === period ? 'segment-selected' : ''}`}
            aria-pressed={p === period}
            onClick={() => setPeriod(p)}
            data-period={p}
          >
            {t(`admin.metrics.period.${p}`)}
          </button>
        ))}
      </div>
      {metrics.isPending && <Skeleton lines={8} />}
      {metrics.isError && !metrics.data && <ErrorState error={metrics.error} onRetry={() => metrics.refetch()} />}
      {metrics.data && (
        <div className={metrics.isPlaceholderData ? 'admin-metrics-loading' : ''} aria-busy={metrics.isPlaceholderData}>
          <MetricsContent metrics={metrics.data} />
        </div>
      )}
    </section>
  );
}

function MetricsContent({ metrics }: { metrics: Metrics }) {
  const { t, lang } = useI18n();
  const usd = new Intl.NumberFormat(lang, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
  const number = new Intl.NumberFormat(lang);
  const n = (value: number) => number.format(value);
  return (
    <div className="admin-metrics">
      <section className="card" aria-label={t('admin.metrics.users')}>
        <p className="section-title">{t('admin.metrics.users')}</p>
        <Figures
          items={[
            ['admin.metrics.users.total', n(metrics.users.total)],
            ['admin.metrics.users.new', n(metrics.users.new)],
            ['admin.metrics.users.active_1d', n(metrics.users.active_1d)],
            ['admin.metrics.users.active_7d', n(metrics.users.active_7d)],
            ['admin.metrics.users.active_30d', n(metrics.users.active_30d)],
            ['admin.metrics.users.premium', n(metrics.users.premium)],
          ]}
        />
      </section>
      <section className="card" aria-label={t('admin.metrics.activity')}>
        <p className="section-title">{t('admin.metrics.activity')}</p>
        <Figures
          items={[
            ['admin.metrics.activity.reviews', n(metrics.activity.reviews)],
            ['admin.metrics.activity.exercises', n(metrics.activity.exercises)],
            ['admin.metrics.activity.messages', n(metrics.activity.messages)],
          ]}
        />
      </section>
      <section className="card" aria-label={t('admin.metrics.retention')}>
        <p className="section-title">{t('admin.metrics.retention')}</p>
        <Figures
          items={[
            ['admin.metrics.retention.d1', percent(metrics.retention.d1)],
            ['admin.metrics.retention.d7', percent(metrics.retention.d7)],
            ['admin.metrics.retention.d30', percent(metrics.retention.d30)],
          ]}
        />
      </section>
      <section className="card" aria-label={t('admin.metrics.llm')}>
        <p className="section-title">{t('admin.metrics.llm')}</p>
        <Figures
          items={[
            ['admin.metrics.llm.calls', n(metrics.llm.calls)],
            ['admin.metrics.llm.cost', usd.format(metrics.llm.cost_usd)],
          ]}
        />
        {metrics.llm.by_operation.length > 0 && (
          <ul className="metric-ops" data-testid="metric-ops">
            {metrics.llm.by_operation.map((op) => (
              <li key={op.operation}>
                <span>{op.operation}</span>
                <span>
                  {n(op.calls)} · {usd.format(op.cost_usd)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-label={t('admin.metrics.revenue')}>
        <p className="section-title">{t('admin.metrics.revenue')}</p>
        <Figures
          items={[
            ['admin.metrics.revenue.stars', `${n(metrics.revenue.stars)} ⭐`],
            ['admin.metrics.revenue.payments', n(metrics.revenue.payments)],
            ['admin.metrics.revenue.refunds', n(metrics.revenue.refunds)],
          ]}
        />
      </section>
    </div>
  );
}
