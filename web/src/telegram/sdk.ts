import {
  backButton,
  init,
  isTMA,
  mainButton,
  miniApp,
  retrieveLaunchParams,
  retrieveRawInitData,
  themeParams,
  viewport,
} from '@telegram-apps/sdk-react';

let insideTelegram = false;

/** True once the SDK has been initialised inside a Telegram client. */
export function isInsideTelegram(): boolean {
  return insideTelegram;
}

/**
 * Initialises the Telegram SDK. Outside Telegram (a normal browser) it does nothing and
 * returns false; inside, any single unsupported feature is skipped rather than fatal.
 */
export function initTelegram(): boolean {
  if (insideTelegram) return true;
  try {
    if (!isTMA()) return false;
    init();
  } catch (error) {
    console.warn('Telegram SDK unavailable, running as a normal web page', error);
    return false;
  }
  insideTelegram = true;
  attempt(() => backButton.mount.ifAvailable());
  attempt(() => mainButton.mount.ifAvailable());
  attempt(() => {
    // Theme params follow `theme_changed` once mounted, so bound CSS variables stay live.
    themeParams.mountSync.ifAvailable();
    themeParams.bindCssVars.ifAvailable();
    followDarkTheme();
  });
  attempt(() => {
    miniApp.mountSync.ifAvailable();
    miniApp.bindCssVars.ifAvailable();
    miniApp.ready.ifAvailable();
  });
  attempt(() => {
    if (!viewport.mount.isAvailable()) return;
    viewport
      .mount()
      .then(() => {
        viewport.bindCssVars.ifAvailable();
        viewport.expand.ifAvailable();
      })
      .catch((error: unknown) => console.warn('viewport mount failed', error));
  });
  return true;
}

function attempt(step: () => unknown): void {
  try {
    step();
  } catch (error) {
    console.warn('Telegram SDK step failed', error);
  }
}

/** Mirrors Telegram's dark/light choice onto <html data-theme> for our own palette. */
function followDarkTheme(): void {
  const apply = () => {
    document.documentElement.dataset.theme = themeParams.isDark() ? 'dark' : 'light';
  };
  apply();
  themeParams.isDark.sub(apply);
}

/** The raw initData string to send to POST /api/auth/validate. */
export function rawInitData(): string | undefined {
  try {
    return retrieveRawInitData();
  } catch {
    return undefined;
  }
}

/** Telegram's language_code of the current user, if known. */
export function telegramLanguageCode(): string | undefined {
  if (!insideTelegram) return undefined;
  try {
    return retrieveLaunchParams(true).tgWebAppData?.user?.languageCode;
  } catch {
    return undefined;
  }
}

/** The `startapp` payload the Mini App was opened with (a deep link), if any. */
export function telegramStartParam(): string | undefined {
  if (!insideTelegram) return undefined;
  try {
    return retrieveLaunchParams(true).tgWebAppStartParam || undefined;
  } catch {
    return undefined;
  }
}
