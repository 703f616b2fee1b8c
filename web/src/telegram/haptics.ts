import { hapticFeedback } from '@telegram-apps/sdk-react';

type Impact = 'light' | 'medium' | 'heavy' | 'rigid' | 'soft';
type Notification = 'error' | 'success' | 'warning';

/** Haptic feedback that silently does nothing outside Telegram or on old clients. */
export const haptics = {
  impact(style: Impact = 'light'): void {
    safely(() => hapticFeedback.impactOccurred.ifAvailable(style));
  },
  notification(type: Notification): void {
    safely(() => hapticFeedback.notificationOccurred.ifAvailable(type));
  },
  selection(): void {
    safely(() => hapticFeedback.selectionChanged.ifAvailable());
  },
};

function safely(call: () => unknown): void {
  try {
    call();
  } catch {
    // Haptics are decoration; never let them break an action.
  }
}
