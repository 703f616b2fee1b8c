import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { Level, Profile, ProfilePatch } from '../api/types';
import { GoalsPicker } from '../components/GoalsPicker';
import { InterfaceLanguagePicker } from '../components/InterfaceLanguagePicker';
import { MemorySection } from '../components/MemorySection';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { languageName } from '../domain/languages';
import { LEVELS, adjustTarget, isTargetAllowed } from '../domain/levels';
import { useDeleteProfile, usePatchProfile, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { formOf, profileChanges, validNewCards, type ProfileForm } from './profileForm';

export function ProfileEditScreen() {
  const { t } = useI18n();
  const { id } = useParams();
  const profiles = useProfiles();

  if (profiles.isPending) return <main className="screen"><Skeleton lines={8} /></main>;
  if (profiles.isError) {
    return (
      <main className="screen">
        <ErrorState error={profiles.error} onRetry={() => profiles.refetch()} />
      </main>
    );
  }
  const profile = profiles.data.find((p) => p.id === id);
  if (!profile) {
    return (
      <main className="screen">
        <EmptyState
          text={t('error.PROFILE_NOT_FOUND')}
          action={<Link to="/profile" className="button">{t('profile.title')}</Link>}
        />
      </main>
    );
  }
  return <ProfileEditor key={profile.id} profile={profile} />;
}

function ProfileEditor({ profile }: { profile: Profile }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [form, setForm] = useState<ProfileForm>(() => formOf(profile));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = usePatchProfile(profile.id);
  const remove = useDeleteProfile();
  // The server keeps the last language (LAST_PROFILE): say so instead of offering a dead button.
  const onlyLanguage = useProfiles().data?.length === 1;
  const patch: ProfilePatch | null = profileChanges(profile, form);
  const cardsValid = validNewCards(form.new_cards_per_day) !== null;
  const dirty = patch !== null && Object.keys(patch).length > 0;
  const name = languageName(profile.language, lang);

  const set = (update: Partial<ProfileForm>) => {
    save.reset();
    setForm((current) => ({ ...current, ...update }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!patch || !dirty) return;
    save.mutate(patch, {
      onSuccess: (updated) => {
        setForm(formOf(updated));
        haptics.notification('success');
      },
      onError: () => haptics.notification('error'),
    });
  };

  const deleteProfile = () =>
    remove.mutate(profile.id, {
      onSuccess: () => {
        haptics.notification('success');
        navigate('/profile', { replace: true });
      },
      onError: () => {
        setConfirmDelete(false);
        haptics.notification('error');
      },
    });

  return (
    <main className="screen profile-edit">
      <h1>{name}</h1>
      <p className="hint">{t('profile.editTitle')}</p>
      <form className="form card" onSubmit={submit} noValidate>
        <LevelSelect
          name="current_level"
          label={t('profile.currentLevel')}
          value={form.current_level}
          onChange={(level) => set({ current_level: level, target_level: adjustTarget(level, form.target_level) })}
        />
        <LevelSelect
          name="target_level"
          label={t('profile.targetLevel')}
          value={form.target_level}
          minimum={form.current_level}
          onChange={(level) => set({ target_level: level })}
        />
        <fieldset className="field">
          <legend>{t('profile.goals')}</legend>
          <GoalsPicker value={form.goals} onChange={(goals) => set({ goals })} />
        </fieldset>
        <fieldset className="field">
          <legend>{t('profile.interfaceLanguage')}</legend>
          <InterfaceLanguagePicker
            name="profile_interface_language"
            value={form.interface_language}
            onChange={(interface_language) => set({ interface_language })}
          />
        </fieldset>
        <label className="field">
          <span>{t('profile.newCardsPerDay')}</span>
          <input
            name="new_cards_per_day"
            className="input"
            type="number"
            inputMode="numeric"
            min={0}
            max={500}
            step={1}
            value={form.new_cards_per_day}
            aria-invalid={!cardsValid}
            onChange={(event) => set({ new_cards_per_day: event.target.value })}
          />
          <small className={cardsValid ? 'hint' : 'hint hint-warning'}>
            {cardsValid ? t('profile.newCardsHint') : t('profile.invalidNumber')}
          </small>
        </label>
        <label className="field">
          <span>
            {t('profile.retention')}: <strong>{Math.round(form.desired_retention * 100)}%</strong>
          </span>
          <input
            name="desired_retention"
            type="range"
            min={0.7}
            max={0.97}
            step={0.01}
            value={form.desired_retention}
            onChange={(event) => set({ desired_retention: Number(event.target.value) })}
          />
          <small className="hint">{t('profile.retentionHint')}</small>
        </label>
        <InlineError error={save.error} />
        {save.isSuccess && !dirty && <p className="hint" role="status">{t('common.saved')}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={!dirty || save.isPending}>
          {t('common.save')}
        </button>
      </form>

      <MemorySection profileId={profile.id} lang={lang} />

      <section className="card danger-zone">
        {confirmDelete ? (
          <>
            <p>{t('profile.deleteConfirm', { language: name })}</p>
            <div className="row">
              <button type="button" className="button button-danger" onClick={deleteProfile} disabled={remove.isPending}>
                {t('profile.deleteYes')}
              </button>
              <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button button-danger-outline button-wide"
              onClick={() => setConfirmDelete(true)}
              disabled={onlyLanguage}
              aria-describedby={onlyLanguage ? 'only-language' : undefined}
            >
              {t('profile.delete')}
            </button>
            {onlyLanguage && (
              <p id="only-language" className="hint" data-testid="only-language">
                {t('error.LAST_PROFILE')}
              </p>
            )}
          </>
        )}
        <InlineError error={remove.error} />
      </section>
    </main>
  );
}

function LevelSelect({
  name,
  label,
  value,
  minimum,
  onChange,
}: {
  name: string;
  label: string;
  value: Level;
  minimum?: Level;
  onChange: (level: Level) => void;
}) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{label}</span>
      <select name={name} className="input" value={value} onChange={(event) => onChange(event.target.value as Level)}>
        {LEVELS.map((level) => (
          <option key={level} value={level} disabled={minimum !== undefined && !isTargetAllowed(minimum, level)}>
            {level}
          </option>
        ))}
      </select>
      <small className="hint">{t(`level.${value}`)}</small>
    </label>
  );
}
