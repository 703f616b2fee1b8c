// Pure helpers of the groups screens: roles, lists, invite links and codes, progress figures.
import type { GroupSummary, Invite, Material } from '../api/types';

export type GroupRole = 'teacher' | 'student';
export type ProgressPeriod = 'week' | 'month' | '3months' | 'all';
export const PROGRESS_PERIODS: ProgressPeriod[] = ['week', 'month', '3months', 'all'];

/** The contract's role is a plain string: anything but `teacher` is treated as a student. */
export function roleOf(value: string): GroupRole {
  return value === 'teacher' ? 'teacher' : 'student';
}

export function periodOf(value: string | null): ProgressPeriod {
  return PROGRESS_PERIODS.find((p) => p === value) ?? 'week';
}

/** My groups: live ones I teach, live ones I learn in, then the archived ones. */
export function splitGroups(groups: GroupSummary[]): {
  teaching: GroupSummary[];
  learning: GroupSummary[];
  archived: GroupSummary[];
} {
  const live = groups.filter((g) => !g.archived_at);
  return {
    teaching: live.filter((g) => roleOf(g.role) === 'teacher'),
    learning: live.filter((g) => roleOf(g.role) === 'student'),
    archived: groups.filter((g) => Boolean(g.archived_at)),
  };
}

const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The invite code in what a learner typed or pasted: a bare code, `g_<code>`, or a link
 * carrying it (`?startapp=g_…`, `?start=g_…`, `?code=…`). Null when nothing fits.
 */
export function inviteCodeOf(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  if (/^https?:\/\//i.test(text) || text.includes('?')) {
    try {
      const url = new URL(text, 'https://t.me');
      const param = url.searchParams.get('startapp') ?? url.searchParams.get('start') ?? url.searchParams.get('code');
      return param ? inviteCodeOf(param) : null;
    } catch {
      return null;
    }
  }
  const code = text.startsWith('g_') ? text.slice(2) : text;
  return CODE.test(code) ? code : null;
}

/**
 * The link to send: the Mini App link (`startapp=g_<code>`) when the server knows the bot,
 * else the bot's `/start g_<code>` link, else this app's own join address (a local setup
 * without a bot).
 */
export function inviteLinkOf(invite: Invite, origin: string = window.location.origin): string {
  return invite.app_link ?? invite.bot_link ?? `${origin}/groups/join?code=${encodeURIComponent(invite.code)}`;
}

/** Telegram's "share to a chat" link for `url` with a message. */
export function telegramShareUrl(url: string, text: string): string {
  return `https://t.me/share/url?url=${encodeURIComponent(url)}&text=${encodeURIComponent(text)}`;
}

/** Whether an invite can still be used now (the server lists only live ones; time passes). */
export function inviteUsable(invite: Invite, now: number = Date.now()): boolean {
  if (invite.expires_at && Date.parse(invite.expires_at) <= now) return false;
  return invite.max_uses == null || invite.uses < invite.max_uses;
}

/** 0–1 as a whole percent, or null. */
export function percentOf(value: number | null | undefined): number | null {
  return value == null ? null : Math.round(value * 100);
}

/** A person's name as shown: first and last name, else @username. */
export function personName(person: { first_name: string; last_name?: string | null; username?: string | null }): string {
  const name = [person.first_name, person.last_name].filter(Boolean).join(' ').trim();
  return name || (person.username ? `@${person.username}` : '—');
}

/** Shared decks first (by name), then topics. */
export function sortMaterials(materials: Material[]): Material[] {
  const nameOf = (m: Material) => m.deck?.name ?? m.topic?.name ?? '';
  const rank = (m: Material) => (m.kind === 'deck' ? 0 : 1);
  return [...materials].sort((a, b) => rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)));
}

/** The create form: name 1–80 non-blank, description ≤ 500, members 2–1000 (empty: the plan's). */
export interface GroupFormValues {
  name: string;
  description: string;
  language: string | null;
  maxMembers: string;
}

export const GROUP_NAME_MAX = 80;
export const GROUP_DESCRIPTION_MAX = 500;

export type GroupFormErrors = Partial<
  Record<keyof GroupFormValues, 'groups.form.nameRequired' | 'groups.form.descriptionTooLong' | 'groups.form.languageRequired' | 'groups.form.maxMembersRange'>
>;

export function validateGroupForm(values: GroupFormValues, maxAllowed: number | null): GroupFormErrors {
  const errors: GroupFormErrors = {};
  if (!values.name.trim() || values.name.length > GROUP_NAME_MAX) errors.name = 'groups.form.nameRequired';
  if (values.description.length > GROUP_DESCRIPTION_MAX) errors.description = 'groups.form.descriptionTooLong';
  if (!values.language) errors.language = 'groups.form.languageRequired';
  const max = values.maxMembers.trim();
  if (max) {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 2 || n > (maxAllowed ?? 1000)) errors.maxMembers = 'groups.form.maxMembersRange';
  }
  return errors;
}

/** "27 нояб." / "Nov 27" (the year only when it is not this one). */
export function shortDate(iso: string, lang: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(date);
}

/** "27 нояб., 14:05" / "Nov 27, 2:05 PM". */
export function shortDateTime(iso: string, lang: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(lang, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(date);
}
