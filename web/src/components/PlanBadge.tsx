import type { Me } from '../api/types';
import { useI18n } from '../i18n/i18n';

/** "Free plan" or "Premium until …", plus profiles used of the plan's maximum. */
export function PlanBadge({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const premium = me.plan.name === 'premium';
  let plan = t('home.plan.free');
  if (premium) {
    plan = me.plan.premium_until
      ? t('home.plan.premiumUntil', {
          date: new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(
            new Date(me.plan.premium_until),
          ),
        })
      : t('home.plan.premium');
  }
  return (
    <p className="plan" data-testid="plan">
      <span className={`badge ${premium ? 'badge-premium' : ''}`}>{plan}</span>
      <span className="hint" data-testid="profiles-limit">
        {t('home.profilesUsed', { used: me.limits.profiles.used, max: me.limits.profiles.max })}
      </span>
    </p>
  );
}
