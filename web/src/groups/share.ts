import { openTelegramLink } from '@telegram-apps/sdk-react';
import { isInsideTelegram } from '../telegram/sdk';
import { telegramShareUrl } from './groups';

/** Whether Telegram can open its "share to a chat" sheet here. */
export function canShareThroughTelegram(): boolean {
  if (!isInsideTelegram()) return false;
  try {
    return openTelegramLink.isAvailable();
  } catch {
    return false;
  }
}

/** Opens Telegram's chat picker with the link and a message; false when it cannot. */
export function shareThroughTelegram(url: string, text: string): boolean {
  if (!canShareThroughTelegram()) return false;
  try {
    openTelegramLink(telegramShareUrl(url, text));
    return true;
  } catch {
    return false;
  }
}

/** Puts text on the clipboard; false when the browser refuses (then the link stays selectable). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the old way.
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  } catch {
    return false;
  }
}
