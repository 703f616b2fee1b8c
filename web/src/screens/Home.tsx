import { Link, Navigate } from 'react-router-dom';
import type { Me, Profile } from '../api/types';
import { LlmQuotas } from '../components/LlmQuotas';
import { NotificationsBell } from '../components/Notifications';
import { PlanBadge } from '../components/PlanBadge';
import { ProfileSummary } from '../components/ProfileSummary';
import { ErrorState, InlineError, Skeleton } from '../components/States';
import { StreakChip } from '../components/Streak';
import { FirstSteps, TodayActions } from '../components/TodayActions';
import { languageName } from '../domain/languages';
import { llmAvailable, useActivateProfile, useMe, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

export function activeProfileOf(me: Me, profiles: Profile[]): Profile | undefined {
  return (
    profiles.find((p) => p.id === me.active_profile_id) ??
    profiles.find((p) => p.is_active) ??
    profiles[0]
  );
}

export function Home() {
  const { t } = useI18n();
  const me = useMe();
  const profiles = useProfiles();

  if (me.isPending || profiles.isPending) {
    return (
      <main className="screen">
        <Skeleton lines={2} />
        <Skeleton lines={4} />
      </main>
    );
  }
  if (me.isError || profiles.isError) {
    return (
      <main className="screen">
        <ErrorState
          error={me.error ?? profiles.error}
          onRetry={() => {
            void me.refetch();
            void profiles.refetch();
          }}
        />
      </main>
    );
  }
  // No language yet: onboarding is the action that fills Home.
  if (profiles.data.length === 0) return <Navigate to="/onboarding/language" replace />;

  const active = activeProfileOf(me.data, profiles.data);
  const llm = llmAvailable(me.data);
  return (
    <main className="screen home">
      <header className="screen-header">
        <div className="home-top">
          <h1>{t('home.greeting', { name: me.data.user.first_name })}</h1>
          <NotificationsBell />
        </div>
        <PlanBadge me={me.data} />
        <StreakChip />
      </header>
      {active && (
        <section className="card" aria-label={t('home.activeProfile')}>
          <p className="section-title">{t('home.activeProfile')}</p>
          <ProfileSummary profile={active} />
        </section>
      )}
      {/* Not one card yet: first steps, never "all done for today". */}
      {me.data.limits.cards?.used === 0 ? <FirstSteps llm={llm} /> : <TodayActions llm={llm} />}
      {/* Without an LLM there is nothing to count. */}
      {llm && <LlmQuotas me={me.data} />}
      <ProfileSwitcher profiles={profiles.data} activeId={active?.id} />
      <Link to="/groups" className="button button-wide" data-testid="groups-action">
        {t('home.groups')}
      </Link>
      <Link to="/profile" className="button button-wide">
        {t('home.editProfile')}
      </Link>
    </main>
  );
}

function ProfileSwitcher({ profiles, activeId }: { profiles: Profile[]; activeId: string | undefined }) {
  const { t, lang } = useI18n();
  const activate = useActivateProfile();
  return (
    <section className="card" aria-label={t('home.switch')}>
      <p className="section-title">{t('home.switch')}</p>
      {profiles.length > 1 && <p className="hint">{t('home.switchHint')}</p>}
      <ul className="profile-switcher">
        {profiles.map((profile) => {
          const isActive = profile.id === activeId;
          const pending = activate.isPending && activate.variables === profile.id;
          return (
            <li key={profile.id}>
              <button
                type="button"
                className={`switch-option ${isActive ? 'switch-option-active' : ''}`}
                aria-pressed={isActive}
                aria-busy={pending}
                disabled={isActive || activate.isPending}
                data-language={profile.language}
                onClick={() =>
                  activate.mutate(profile.id, {
                    onSuccess: () => haptics.notification('success'),
                    onError: () => haptics.notification('error'),
                  })
                }
              >
                <span>{languageName(profile.language, lang)}</span>
                <span className="hint">
                  {isActive ? t('home.active') : `${profile.current_level} → ${profile.target_level}`}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <InlineError error={activate.error} />
    </section>
  );
}
