import type { Me, Quota } from '../api/types';
import { formatResetTime, quotaMax } from '../domain/quota';
import { exercisesQuota } from '../hooks/exerciseQueries';
import { useI18n } from '../i18n/i18n';

/** Today's AI quotas from `GET /api/me`: tutor messages, card generation and exercises, used of max. */
export function LlmQuotas({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const { messages, card_generation: generation } = me.limits;
  const exercises = exercisesQuota(me);
  if (!messages && !generation && !exercises) return null;
  // All count the same local day, so they reset together.
  const limited = [messages, generation, exercises].find((quota) => quota && quotaMax(quota) !== null);
  return (
    <section className="card" aria-label={t('home.quotas')} data-testid="llm-quotas">
      <p className="section-title">{t('home.quotas')}</p>
      <dl className="quota-list">
        {messages && <QuotaRow label={t('quota.messages')} quota={messages} testId="quota-messages" />}
        {generation && <QuotaRow label={t('quota.cardGeneration')} quota={generation} testId="quota-generation" />}
        {exercises && <QuotaRow label={t('quota.exercises')} quota={exercises} testId="quota-exercises" />}
      </dl>
      {limited && (
        <p className="hint" data-testid="quota-reset">
          {t('quota.resets', { time: formatResetTime(limited.reset_at, lang) })}
        </p>
      )}
    </section>
  );
}

function QuotaRow({ label, quota, testId }: { label: string; quota: Quota; testId: string }) {
  const { t } = useI18n();
  const max = quotaMax(quota);
  const exhausted = max !== null && quota.used >= max;
  return (
    <div className="quota-row" data-testid={testId}>
      <dt>{label}</dt>
      <dd className={exhausted ? 'hint-warning' : undefined}>
        {max === null ? t('quota.unlimited') : t('quota.usedOf', { used: quota.used, max })}
      </dd>
    </div>
  );
}
