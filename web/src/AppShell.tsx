import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { InterfaceLanguage } from './api/types';
import { api } from './api/endpoints';
import { ErrorState, Skeleton } from './components/States';
import { queryKeys } from './hooks/queries';
import { I18nProvider, toInterfaceLanguage, translator } from './i18n/i18n';
import { AppRoutes } from './AppRoutes';
import { ACCOUNT_DELETED_EVENT, AccountDeleted } from './screens/AccountSection';
import { OpenInTelegram } from './screens/OpenInTelegram';
import { OutsideTelegramBack } from './telegram/OutsideTelegramBack';
import { useSession } from './session/SessionProvider';
import { useTimeZoneSync } from './session/useTimeZoneSync';
import { BackButtonSync } from './telegram/BackButtonSync';
import { StartParamRedirect } from './telegram/startParam';

/**
 * Chooses what the whole app shows for the sign-in state, and the interface language:
 * the user's own once `me` is known, before that the language Telegram reported.
 */
export function AppShell({ initialLanguage }: { initialLanguage: InterfaceLanguage }) {
  const { state, retry, client } = useSession();
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    const onDeleted = () => setDeleted(true);
    window.addEventListener(ACCOUNT_DELETED_EVENT, onDeleted);
    return () => window.removeEventListener(ACCOUNT_DELETED_EVENT, onDeleted);
  }, []);
  const ready = state.status === 'ready' && !deleted;
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => api.me(client), enabled: ready });
  const lang = me.data ? toInterfaceLanguage(me.data.user.interface_language) : initialLanguage;
  useTimeZoneSync(me.data);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  let content;
  if (deleted) {
    content = <AccountDeleted />;
  } else if (state.status === 'loading') {
    content = (
      <main className="screen">
        <Skeleton lines={3} label={translator(lang)('auth.signingIn')} />
      </main>
    );
  } else if (state.status === 'unavailable') {
    content = <OpenInTelegram />;
  } else if (state.status === 'error') {
    content = (
      <main className="screen">
        <ErrorState error={state.error} onRetry={retry} />
      </main>
    );
  } else {
    content = (
      <>
        <BackButtonSync />
        <StartParamRedirect />
        <OutsideTelegramBack />
        <AppRoutes />
      </>
    );
  }
  return <I18nProvider lang={lang}>{content}</I18nProvider>;
}
