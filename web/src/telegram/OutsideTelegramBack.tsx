import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n/i18n';
import { WIZARD_STEPS } from '../screens/wizardSteps';
import { isInsideTelegram } from './sdk';

/** The wizard step before `step` under `base`, or `first` on its first step. */
function previousStep(base: string, step: string | undefined, first: string | null): string | null {
  const index = WIZARD_STEPS.findIndex((s) => s === step);
  if (index > 0) return `${base}/${WIZARD_STEPS[index - 1]}`;
  return first;
}

/**
 * Where "back" leads when the screen was opened directly (no in-app history), or null where
 * there is no way back (Home, and the first step of onboarding, which is a new learner's Home).
 */
export function parentPath(pathname: string): string | null {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length === 0) return null;
  if (parts[0] === 'onboarding') return previousStep('/onboarding', parts[1], null);
  if (parts[0] === 'profile' && parts[1] === 'new') return previousStep('/profile/new', parts[2], '/profile');
  if (parts[0] === 'cards' && parts[1] === 'card') return '/cards';
  if (parts[0] === 'profile' && parts.length > 1) return '/profile';
  if (parts[0] === 'cards' && parts.length > 1) return `/${parts.slice(0, -1).join('/')}`;
  if (parts[0] === 'exercises' && parts.length > 1) return '/exercises';
  if (parts[0] === 'groups' && parts.length > 1) return '/groups';
  return '/';
}

/** Whether the router has an in-app page before this one (its history index). */
export function hasInAppHistory(): boolean {
  const state: unknown = window.history.state;
  const idx = typeof state === 'object' && state !== null ? (state as { idx?: unknown }).idx : undefined;
  return typeof idx === 'number' && idx > 0;
}

/**
 * Outside Telegram there is no BackButton: every screen but Home (and the first onboarding
 * step) gets an ordinary "← Back" that walks history, or goes up when the screen was opened
 * directly, so that it never leaves the app.
 */
export function OutsideTelegramBack() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const parent = parentPath(pathname);
  if (isInsideTelegram() || parent === null) return null;
  // Going up replaces the screen, so a later "back" never returns to it.
  const back = () => {
    if (hasInAppHistory()) navigate(-1);
    else navigate(parent, { replace: true });
  };
  return (
    <nav className="browser-back">
      <button type="button" className="link-button" onClick={back} data-testid="browser-back">
        ← {t('common.back')}
      </button>
    </nav>
  );
}
