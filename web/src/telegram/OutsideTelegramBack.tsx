import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n/i18n';
import { isInsideTelegram } from './sdk';

/** Where "back" leads when the screen was opened directly (no in-app history). */
export function parentPath(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0] === 'cards' && parts[1] === 'card') return '/cards';
  if (parts[0] === 'profile' && parts.length > 1) return '/profile';
  if (parts[0] === 'cards' && parts.length > 1) return `/${parts.slice(0, -1).join('/')}`;
  return '/';
}

/**
 * Outside Telegram there is no BackButton: every screen but Home (and the wizard, which has
 * its own) gets an ordinary "← Back" that walks history, or goes up when there is none.
 */
export function OutsideTelegramBack() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const { pathname } = location;
  if (isInsideTelegram() || pathname === '/' || pathname.startsWith('/onboarding') || pathname.startsWith('/profile/new')) {
    return null;
  }
  const back = () => {
    const state: unknown = window.history.state;
    const idx = typeof state === 'object' && state !== null ? (state as { idx?: unknown }).idx : undefined;
    if (typeof idx === 'number' && idx > 0) navigate(-1);
    else navigate(parentPath(pathname));
  };
  return (
    <nav className="browser-back">
      <button type="button" className="link-button" onClick={back} data-testid="browser-back">
        ← {t('common.back')}
      </button>
    </nav>
  );
}
