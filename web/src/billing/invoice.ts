import { invoice } from '@telegram-apps/sdk-react';
import { isInsideTelegram } from '../telegram/sdk';

/** How Telegram's payment sheet closed; `unsupported`: there is no sheet here (a normal browser). */
export type InvoiceOutcome = 'paid' | 'cancelled' | 'failed' | 'pending' | 'unsupported';

type OpenInvoiceCallback = (status: string) => void;
interface TelegramWebApp {
  openInvoice?: (url: string, callback?: OpenInvoiceCallback) => void;
}

/** `window.Telegram.WebApp` when telegram-web-app.js (or a test's stand-in) provides it. */
function webApp(): TelegramWebApp | undefined {
  const telegram = (window as { Telegram?: { WebApp?: TelegramWebApp } }).Telegram;
  return telegram?.WebApp;
}

function outcomeOf(status: unknown): InvoiceOutcome {
  return status === 'paid' || status === 'cancelled' || status === 'pending' ? status : 'failed';
}

/** Whether an invoice can be paid without leaving the app. */
export function canOpenInvoice(): boolean {
  if (typeof webApp()?.openInvoice === 'function') return true;
  if (!isInsideTelegram()) return false;
  try {
    return invoice.open.isAvailable();
  } catch {
    return false;
  }
}

/**
 * Opens a createInvoiceLink link in Telegram's payment sheet and resolves with how it closed:
 * through `Telegram.WebApp.openInvoice(link, callback)` where that exists, else through the
 * SDK's `invoice.open(link, 'url')` inside Telegram; `unsupported` anywhere else.
 */
export function openInvoice(link: string): Promise<InvoiceOutcome> {
  const app = webApp();
  if (typeof app?.openInvoice === 'function') {
    const open = app.openInvoice.bind(app);
    return new Promise((resolve) => {
      try {
        open(link, (status) => resolve(outcomeOf(status)));
      } catch {
        resolve('failed');
      }
    });
  }
  if (!canOpenInvoice()) return Promise.resolve('unsupported');
  return Promise.resolve()
    .then(() => invoice.open(link, 'url'))
    .then(outcomeOf, () => 'failed' as const);
}
