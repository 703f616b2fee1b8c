import type { Quota } from '../api/types';

/** The day's maximum; `null` when the quota is unlimited (the contract lets `max` be left out too). */
export function quotaMax(quota: Quota): number | null {
  return quota.max ?? null;
}

/** Uses left today; `null` when the quota is unlimited. */
export function quotaLeft(quota: Quota): number | null {
  const max = quotaMax(quota);
  return max === null ? null : Math.max(0, max - quota.used);
}

/** Nothing left and the reset still ahead (a stale quota from yesterday does not block). */
export function quotaExhausted(quota: Quota | undefined, now: Date = new Date()): boolean {
  const max = quota ? quotaMax(quota) : null;
  if (!quota || max === null || quota.used < max) return false;
  const reset = Date.parse(quota.reset_at);
  return Number.isNaN(reset) || reset > now.getTime();
}

/** Whether the quota's day is over (`reset_at` passed): its counts no longer apply. */
export function quotaResetPassed(quota: Quota, now: Date = new Date()): boolean {
  const reset = Date.parse(quota.reset_at);
  return !Number.isNaN(reset) && reset <= now.getTime();
}

/**
 * The quota to show: the copy a screen kept from its own latest answer (a reply, a 429) while
 * its day lasts, then Me's, which is fetched again for the new day.
 */
export function currentQuota(own: Quota | undefined, fromMe: Quota | undefined, now: Date = new Date()): Quota | undefined {
  if (own && !quotaResetPassed(own, now)) return own;
  return fromMe ?? own;
}

/** The Quota a 429 QUOTA_EXCEEDED carries in its details, when it is complete enough. */
export function quotaFromDetails(details: Record<string, unknown> | undefined): Quota | undefined {
  if (!details) return undefined;
  const { used, max, reset_at: resetAt } = details;
  if (typeof used !== 'number' || typeof resetAt !== 'string') return undefined;
  return { used, max: typeof max === 'number' ? max : null, reset_at: resetAt };
}

/**
 * When a quota resets, in the device's time zone: the time alone when that is today or
 * tomorrow's midnight (the usual case), with the date otherwise.
 */
export function formatResetTime(iso: string, lang: string, now: Date = new Date()): string {
  const reset = new Date(iso);
  if (Number.isNaN(reset.getTime())) return iso;
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(reset);
  const sameDay = reset.toDateString() === now.toDateString();
  const tomorrowMidnight =
    reset.getHours() === 0 &&
    reset.getMinutes() === 0 &&
    new Date(reset.getTime() - 1).toDateString() === now.toDateString();
  if (sameDay || tomorrowMidnight) return time;
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(reset);
}
