import { cloudStorage } from '@telegram-apps/sdk-react';
import type { RefreshTokenStore } from '../api/client';
import { isInsideTelegram } from './sdk';

const KEY = 'la_refresh_token';

/** Telegram CloudStorage inside Telegram (survives app restarts), sessionStorage otherwise. */
export function createRefreshTokenStore(): RefreshTokenStore {
  if (isInsideTelegram() && cloudStorage.getItem.isAvailable()) return cloudStore();
  return sessionStore();
}

function cloudStore(): RefreshTokenStore {
  return {
    async get() {
      try {
        const value = await cloudStorage.getItem(KEY);
        return value || null;
      } catch {
        return null;
      }
    },
    async set(token) {
      try {
        if (token) await cloudStorage.setItem(KEY, token);
        else await cloudStorage.deleteItem(KEY);
      } catch (error) {
        console.warn('CloudStorage write failed', error);
      }
    },
  };
}

export function sessionStore(storage: Storage = window.sessionStorage): RefreshTokenStore {
  return {
    async get() {
      try {
        return storage.getItem(KEY);
      } catch {
        return null;
      }
    },
    async set(token) {
      try {
        if (token) storage.setItem(KEY, token);
        else storage.removeItem(KEY);
      } catch {
        // Private mode may forbid storage; the session then lasts until the tab closes.
      }
    },
  };
}
