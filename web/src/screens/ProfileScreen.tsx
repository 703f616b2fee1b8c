import { useState } from 'react';
import { Link } from 'react-router-dom';
import { isAdmin } from '../admin/isAdmin';
import { PlanBadge } from '../components/PlanBadge';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { languageName } from '../domain/languages';
import { useMe, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { AccountSection } from './AccountSection';
import { ProfileLimitNotice, atProfileLimit } from './ProfileWizard';
import { SettingsForm } from './SettingsForm';

/** Languages (edit, add) and account-wide settings. */
export function ProfileScreen() {
  const { t, lang } = useI18n();
  const me = useMe();
  const profiles = useProfiles();
  // At the plan's limit the learner hears so here, before the wizard, with the way to the plan.
  const limited = me.data !== undefined && atProfileLimit(me.data.limits.profiles);
  const addLink = (
    <Link to="/profile/new/language" className="button button-wide" data-testid="add-language">
      {t('profile.add')}
    </Link>
  );
  const [limitShown, setLimitShown] = useState(false);
  const addControl = limited ? (
    <>
      <button
        type="button"
        className="button button-wide"
        data-testid="add-language"
        aria-expanded={limitShown}
        onClick={() => setLimitShown(true)}
      >
        {t('profile.add')}
      </button>
      {limitShown && me.data && <ProfileLimitNotice max={me.data.limits.profiles.max} />}
    </>
  ) : (
    addLink
  );

  return (
    <main className="screen profile">
      <h1>{t('profile.title')}</h1>
      <section className="card" aria-label={t('profile.languages')}>
        <p className="section-title">{t('profile.languages')}</p>
        {profiles.isPending && <Skeleton lines={3} />}
        {profiles.isError && <ErrorState error={profiles.error} onRetry={() => profiles.refetch()} />}
        {profiles.isSuccess && profiles.data.length === 0 && (
          <EmptyState text={t('profile.empty')} action={addLink} />
        )}
        {profiles.isSuccess && profiles.data.length > 0 && (
          <>
            <ul className="profile-list">
              {profiles.data.map((profile) => (
                <li key={profile.id} className="profile-row" data-language={profile.language}>
                  <div>
                    <strong>{languageName(profile.language, lang)}</strong>{' '}
                    {profile.is_active && <span className="badge">{t('home.active')}</span>}
                    <div className="hint">
                      {profile.current_level} → {profile.target_level}
                    </div>
                  </div>
                  <Link to={`/profile/edit/${profile.id}`} className="button button-small">
                    {t('profile.edit')}
                  </Link>
                </li>
              ))}
            </ul>
            {addControl}
          </>
        )}
      </section>

      <section className="card" id="plan" aria-label={t('settings.plan')}>
        <p className="section-title">{t('settings.plan')}</p>
        {me.isPending && <Skeleton lines={1} />}
        {me.isError && <ErrorState error={me.error} onRetry={() => me.refetch()} />}
        {me.isSuccess && <PlanBadge me={me.data} />}
        {me.isSuccess && (
          <Link to="/profile/plan" className="button button-wide" data-testid="plan-open">
            {t(me.data.plan.name === 'premium' ? 'plan.open' : 'plan.upgrade')}
          </Link>
        )}
      </section>

      {isAdmin(me.data) && (
        <section className="card" aria-label={t('admin.title')}>
          <p className="section-title">{t('admin.title')}</p>
          <Link to="/admin" className="button button-wide" data-testid="admin-open">
            {t('admin.open')}
          </Link>
        </section>
      )}

      <section className="card" aria-label={t('settings.title')}>
        <p className="section-title">{t('settings.title')}</p>
        {me.isPending && <Skeleton lines={5} />}
        {me.isSuccess && <SettingsForm me={me.data} />}
      </section>

      <AccountSection />
    </main>
  );
}
