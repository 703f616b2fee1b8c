import { useEffect } from 'react';
import { closingBehavior } from '@telegram-apps/sdk-react';

function safely(call: () => unknown): void {
  try {
    call();
  } catch {
    // Outside Telegram (or on an old client) there is nothing to confirm with.
  }
}

/**
 * While `enabled`, closing the Mini App (swipe down, the close button) asks Telegram's own
 * confirmation first; in a normal browser the tab's "leave site?" prompt does the same.
 */
export function useClosingConfirmation(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return undefined;
    safely(() => {
      if (!closingBehavior.isMounted()) closingBehavior.mount.ifAvailable();
      closingBehavior.enableConfirmation.ifAvailable();
    });
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      safely(() => closingBehavior.disableConfirmation.ifAvailable());
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, [enabled]);
}
