import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client';
import { createSignIn, devTelegramId } from './api/auth';
import { App } from './App';
import { toInterfaceLanguage } from './i18n/i18n';
import { createRefreshTokenStore } from './telegram/refreshTokenStore';
import { initTelegram, rawInitData, telegramLanguageCode } from './telegram/sdk';
import './styles.css';

const insideTelegram = initTelegram();
const languageCode = telegramLanguageCode();

const client = new ApiClient({
  store: createRefreshTokenStore(),
  signIn: createSignIn({
    initData: insideTelegram ? rawInitData() : undefined,
    devTelegramId: () => devTelegramId(),
    languageCode: languageCode ?? 'ru',
  }),
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<App client={client} initialLanguage={toInterfaceLanguage(languageCode)} />);
}
