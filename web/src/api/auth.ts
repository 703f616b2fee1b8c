import type { SignIn } from './client';
import { ApiError } from './errors';
import type { DevLoginRequest, Session, ValidateRequest } from './types';

/** Raised when neither Telegram initData nor the dev sign-in is available. */
export class SignInUnavailableError extends Error {
  constructor() {
    super('Sign-in is only possible inside Telegram');
    this.name = 'SignInUnavailableError';
  }
}

const DEV_ID_KEY = 'la_dev_telegram_id';

/**
 * A stable made-up Telegram id for the dev sign-in, kept in localStorage so reloads and
 * re-logins in the same browser are the same user. Chosen above the range real ids use today.
 */
export function devTelegramId(storage: Storage = window.localStorage): number {
  const saved = Number(storage.getItem(DEV_ID_KEY));
  if (Number.isSafeInteger(saved) && saved > 0) return saved;
  const id = 9_000_000_000 + Math.floor(Math.random() * 900_000_000);
  try {
    storage.setItem(DEV_ID_KEY, String(id));
  } catch {
    // Without storage each reload is a new dev user; acceptable for local development.
  }
  return id;
}

export interface SignInEnvironment {
  /** Raw initData when running inside Telegram. */
  initData: string | undefined;
  devTelegramId: () => number;
  languageCode: string;
}

/** Inside Telegram: validate initData. In a normal browser: dev sign-in (local/test only). */
export function createSignIn(env: SignInEnvironment): SignIn {
  return async (post) => {
    if (env.initData) {
      return post<Session>('/api/auth/validate', { init_data: env.initData } satisfies ValidateRequest);
    }
    try {
      return await post<Session>('/api/auth/dev-login', {
        telegram_id: env.devTelegramId(),
        language_code: env.languageCode,
      } satisfies DevLoginRequest);
    } catch (error) {
      // The route exists only with APP_ENV=local/test; elsewhere the browser must go to Telegram.
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        throw new SignInUnavailableError();
      }
      throw error;
    }
  };
}
