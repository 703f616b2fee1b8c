import { Link } from 'react-router-dom';
import { useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';

/** "Upgrade to Premium" under a used-up limit, for a learner on the free plan only. */
export function UpgradeLink({ wide = true }: { wide?: boolean }) {
  const { t } = useI18n();
  const me = useMe();
  if (me.data?.plan.name !== 'free') return null;
  return (
    <Link to="/profile/plan" className={`button button-primary ${wide ? 'button-wide' : ''}`} data-testid="upgrade-link">
      {t('plan.upgrade')}
    </Link>
  );
}
