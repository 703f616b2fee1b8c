import { Link } from 'react-router-dom';
import { useStudyMore } from '../hooks/deckQueries';
import { useMe, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { InlineError } from './States';

/** What "study more today" offers, as Anki's custom study does. */
export const STUDY_MORE_STEPS = [10, 20] as const;

/**
 * New cards beyond today's allowance: how many wait for tomorrow under which daily limit,
 * "+10 / +20 today" (raises today's allowance on the server), and where the limit is set.
 * Nothing when no card waits.
 */
export function NewCardsWaiting({ waiting, onMore }: { waiting: number; onMore?: () => void }) {
  const { t } = useI18n();
  const me = useMe();
  const profiles = useProfiles();
  const more = useStudyMore();
  if (waiting <= 0) return null;
  const active = profiles.data?.find((p) => p.id === me.data?.active_profile_id) ?? profiles.data?.find((p) => p.is_active);
  const limit = active?.new_cards_per_day;
  return (
    <div className="new-waiting" data-testid="new-waiting" role="group" aria-label={t('newCards.studyMore')}>
      <p className="hint">
        {limit === undefined
          ? t('newCards.waitingNoLimit', { n: waiting })
          : t('newCards.waiting', { n: waiting, limit })}
      </p>
      <div className="row row-wrap">
        {STUDY_MORE_STEPS.map((n) => (
          <button
            key={n}
            type="button"
            className="button button-small"
            data-testid={`study-more-${n}`}
            disabled={more.isPending}
            onClick={() =>
              more.mutate(n, {
                onSuccess: () => {
                  haptics.notification('success');
                  onMore?.();
                },
                onError: () => haptics.notification('error'),
              })
            }
          >
            {t('newCards.more', { n })}
          </button>
        ))}
        {active && (
          <Link to={`/profile/edit/${active.id}`} className="button button-small button-quiet" data-testid="change-limit">
            {t('newCards.changeLimit')}
          </Link>
        )}
      </div>
      <InlineError error={more.error} />
    </div>
  );
}
