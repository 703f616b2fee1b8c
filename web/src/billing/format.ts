import type { InterfaceLanguage } from '../api/types';
import type { MessageKey, Translate } from '../i18n/i18n';
import type { PlanLimits } from './types';

/** "28 декабря 2026 г." in the interface language. */
export function formatDate(iso: string, lang: InterfaceLanguage): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));
}

/** "28.11.2026, 15:04" for lists where the time matters (payments, the audit log). */
export function formatDateTime(iso: string, lang: InterfaceLanguage): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A limit's rows on the plan screen, in order: the label and where it is in the limits. */
export const LIMIT_ROWS: { key: keyof PlanLimits; label: MessageKey; daily: boolean }[] = [
  { key: 'profiles', label: 'plan.limit.profiles', daily: false },
  { key: 'cards', label: 'plan.limit.cards', daily: false },
  { key: 'daily_messages', label: 'plan.limit.messages', daily: true },
  { key: 'daily_card_generation', label: 'plan.limit.cardGeneration', daily: true },
  { key: 'daily_exercises', label: 'plan.limit.exercises', daily: true },
  { key: 'daily_voice', label: 'plan.limit.voice', daily: true },
  { key: 'groups', label: 'plan.limit.groups', daily: false },
  { key: 'group_members', label: 'plan.limit.groupMembers', daily: false },
];

/** "без ограничений" for null, "50 в день" for a daily quota, else the number. */
export function limitValue(value: number | null | undefined, daily: boolean, t: Translate): string {
  if (value === null) return t('plan.limits.unlimited');
  if (value === undefined) return '—';
  return daily ? t('plan.limits.perDay', { n: value }) : String(value);
}

/** Stars a month a plan of `stars` for `days` comes to, rounded. */
export function perMonth(stars: number, days: number): number {
  return Math.round((stars * 30) / Math.max(1, days));
}
