import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/errors';
import { GoalsPicker } from '../components/GoalsPicker';
import { InterfaceLanguagePicker } from '../components/InterfaceLanguagePicker';
import { LanguagePicker } from '../components/LanguagePicker';
import { LevelPicker } from '../components/LevelPicker';
import { ErrorState, InlineError, Skeleton } from '../components/States';
import { adjustTarget } from '../domain/levels';
import { useCreateProfile, useMe, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { PrimaryAction } from '../telegram/PrimaryAction';
import {
  WIZARD_STEPS,
  emptyDraft,
  firstIncompleteStep,
  isWizardStep,
  loadDraft,
  saveDraft,
  stepProblem,
  toNewProfile,
  type ProfileDraft,
  type WizardStep,
} from './wizardSteps';

type Mode = 'onboarding' | 'add';

const BASE: Record<Mode, string> = { onboarding: '/onboarding', add: '/profile/new' };

/**
 * The four-step profile form: first-run onboarding and "add a language" share it.
 * The step lives in the URL so Telegram's BackButton and browser history walk the steps.
 */
export function ProfileWizard({ mode }: { mode: Mode }) {
  const { t, lang } = useI18n();
  const { step } = useParams();
  const navigate = useNavigate();
  const profiles = useProfiles();
  const create = useCreateProfile();
  const me = useMe();
  const [draft, setDraft] = useState<ProfileDraft>(() => loadDraft(mode, emptyDraft(lang)));
  // A problem is shown once the learner tried to go on, not before they had a chance.
  const [attempted, setAttempted] = useState<string | null>(null);
  useEffect(() => saveDraft(mode, draft), [mode, draft]);

  if (!isWizardStep(step)) return <Navigate to={`${BASE[mode]}/language`} replace />;
  if (profiles.isPending) return <Skeleton lines={6} />;
  if (profiles.isError) return <ErrorState error={profiles.error} onRetry={() => profiles.refetch()} />;
  // The plan's language limit is told before the wizard, not after its last step.
  if (mode === 'add' && me.data && atProfileLimit(me.data.limits.profiles) && !create.isPending) {
    return (
      <main className="screen wizard">
        <ProfileLimitNotice max={me.data.limits.profiles.max} />
      </main>
    );
  }
  // Onboarding is only for users without languages; others go Home.
  if (mode === 'onboarding' && profiles.data.length > 0 && !create.isPending) {
    return <Navigate to="/" replace />;
  }
  const missing = firstIncompleteStep(draft, step);
  if (missing) return <Navigate to={`${BASE[mode]}/${missing}`} replace />;

  const index = WIZARD_STEPS.indexOf(step);
  const isLast = index === WIZARD_STEPS.length - 1;
  const problem = stepProblem(step, draft);
  const update = (patch: Partial<ProfileDraft>) => {
    create.reset();
    setDraft((current) => ({ ...current, ...patch }));
  };

  const finish = () => {
    const body = toNewProfile(draft);
    if (!body) return;
    create.mutate(body, {
      onSuccess: () => {
        haptics.notification('success');
        saveDraft(mode, null);
        leaveWizard(mode, index, navigate);
      },
      onError: () => haptics.notification('error'),
    });
  };

  const next = () => {
    if (problem) {
      setAttempted(step);
      haptics.notification('error');
      return;
    }
    setAttempted(null);
    if (isLast) finish();
    else navigate(`${BASE[mode]}/${WIZARD_STEPS[index + 1]}`);
  };

  return (
    <main className="screen wizard" data-step={step}>
      <header className="screen-header">
        <p className="hint">
          {mode === 'onboarding' ? t('wizard.onboardingTitle') : t('wizard.addTitle')} ·{' '}
          {t('wizard.step', { n: index + 1, total: WIZARD_STEPS.length })}
        </p>
      </header>
      <StepBody step={step} draft={draft} update={update} taken={profiles.data.map((p) => p.language)} />
      {problem && attempted === step && (
        <p className="hint hint-warning" role="alert" data-testid="step-problem">
          {t(problem)}
        </p>
      )}
      <InlineError
        error={create.error}
        extra={limitUpgradeHint(create.error) ? t('error.LIMIT_REACHED.upgrade') : undefined}
      />
      {limitUpgradeHint(create.error) && (
        <Link to="/profile/plan" className="button button-wide" data-testid="limit-upgrade">
          {t('plan.upgrade')}
        </Link>
      )}
      <PrimaryAction
        text={isLast ? t(mode === 'onboarding' ? 'wizard.finish' : 'wizard.addFinish') : t('common.next')}
        onClick={next}
        loading={create.isPending}
      />
    </main>
  );
}

function StepBody({
  step,
  draft,
  update,
  taken,
}: {
  step: WizardStep;
  draft: ProfileDraft;
  update: (patch: Partial<ProfileDraft>) => void;
  taken: string[];
}) {
  const { t } = useI18n();
  switch (step) {
    case 'language':
      return (
        <>
          <h1>{t('wizard.language.title')}</h1>
          <LanguagePicker value={draft.language} onChange={(language) => update({ language })} taken={taken} />
        </>
      );
    case 'levels':
      return (
        <>
          <h1>{t('wizard.levels.title')}</h1>
          <LevelPicker
            name="current_level"
            legend={t('wizard.levels.current')}
            value={draft.current_level}
            onChange={(level) =>
              update({ current_level: level, target_level: adjustTarget(level, draft.target_level) })
            }
          />
          <LevelPicker
            name="target_level"
            legend={t('wizard.levels.target')}
            value={draft.target_level}
            minimum={draft.current_level}
            showDescriptions={false}
            onChange={(level) => update({ target_level: level })}
          />
        </>
      );
    case 'goals':
      return (
        <>
          <h1>{t('wizard.goals.title')}</h1>
          <p className="hint">{t('wizard.goals.hint')}</p>
          <GoalsPicker value={draft.goals} onChange={(goals) => update({ goals })} />
        </>
      );
    case 'interface':
      return (
        <>
          <h1>{t('wizard.ui.title')}</h1>
          <p className="hint">{t('wizard.ui.hint')}</p>
          <InterfaceLanguagePicker
            name="interface_language"
            value={draft.interface_language}
            onChange={(interface_language) => update({ interface_language })}
          />
        </>
      );
  }
}

/** The plan allows no further language. */
export function atProfileLimit(profiles: { used: number; max: number }): boolean {
  return profiles.used >= profiles.max;
}

/** Why "add a language" cannot go on, with the way to the plan. */
export function ProfileLimitNotice({ max }: { max: number }) {
  const { t } = useI18n();
  return (
    <section className="card notice" role="note" data-testid="profile-limit">
      <p className="section-title">{t('profile.limit.title', { max })}</p>
      <p className="hint">{t('profile.limit.text')}</p>
      <Link to="/profile/plan" className="button button-primary button-wide" data-testid="profile-limit-plan">
        {t('profile.limit.plan')}
      </Link>
    </section>
  );
}

function limitUpgradeHint(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'LIMIT_REACHED' && error.details?.upgrade === true;
}

/** Back to where the wizard was opened from, dropping its steps from history when possible. */
function leaveWizard(mode: Mode, index: number, navigate: ReturnType<typeof useNavigate>) {
  if (mode === 'onboarding') {
    navigate('/', { replace: true });
    return;
  }
  const state: unknown = window.history.state;
  const idx = typeof state === 'object' && state !== null ? (state as { idx?: unknown }).idx : undefined;
  if (typeof idx === 'number' && idx > index) navigate(-(index + 1));
  else navigate('/profile', { replace: true });
}
