import type { Profile } from '../api/types';
import { isGoal } from '../domain/goals';
import { languageName } from '../domain/languages';
import { useI18n } from '../i18n/i18n';

/** Language, levels and goals of one profile. */
export function ProfileSummary({ profile }: { profile: Profile }) {
  const { t, lang } = useI18n();
  const goals = profile.goals.filter(isGoal);
  return (
    <div className="profile-summary">
      <h2 data-testid="active-language">{languageName(profile.language, lang)}</h2>
      <p>{t('home.levels', { current: profile.current_level, target: profile.target_level })}</p>
      {goals.length > 0 ? (
        <ul className="chips chips-static" aria-label={t('home.goals')}>
          {goals.map((goal) => (
            <li key={goal} className="chip chip-static">
              {t(`goal.${goal}`)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">{t('home.noGoals')}</p>
      )}
    </div>
  );
}
