import type { Quota } from '../api/types';
import { quotaLeft, quotaMax } from '../domain/quota';
import { useI18n } from '../i18n/i18n';

/** "Exercises left today: 3 of 10" (or unlimited). */
export function ExercisesQuotaLine({ quota }: { quota: Quota }) {
  const { t } = useI18n();
  const max = quotaMax(quota);
  return (
    <p className="hint" data-testid="exercises-quota">
      {max === null ? t('exercises.quotaUnlimited') : t('exercises.quotaLeft', { left: quotaLeft(quota) ?? 0, max })}
    </p>
  );
}
