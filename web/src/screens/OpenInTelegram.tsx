import { useI18n } from '../i18n/i18n';

/** Shown in a normal browser when the server offers no dev sign-in (staging, production). */
export function OpenInTelegram() {
  const { t } = useI18n();
  const bot = import.meta.env.VITE_BOT_USERNAME as string | undefined;
  const link = bot ? `https://t.me/${bot}` : 'https://telegram.org/';
  return (
    <main className="screen state" data-testid="open-in-telegram">
      <h1>{t('auth.openInTelegram.title')}</h1>
      <p>{t('auth.openInTelegram.text')}</p>
      <a className="button button-primary" href={link} target="_blank" rel="noreferrer">
        {t('auth.openInTelegram.link')}
      </a>
    </main>
  );
}
