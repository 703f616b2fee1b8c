import type { Goal, InterfaceLanguage, Level, Profile, ProfilePatch } from '../api/types';
import { isGoal } from '../domain/goals';
import { isTargetAllowed, toLevel } from '../domain/levels';
import { toInterfaceLanguage } from '../i18n/i18n';

export interface ProfileForm {
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
  /** Kept as typed text so a half-typed number is not rewritten under the cursor. */
  new_cards_per_day: string;
  desired_retention: number;
}

export function formOf(profile: Profile): ProfileForm {
  return {
    current_level: toLevel(profile.current_level),
    target_level: toLevel(profile.target_level),
    goals: profile.goals.filter(isGoal),
    interface_language: toInterfaceLanguage(profile.interface_language),
    new_cards_per_day: String(profile.new_cards_per_day),
    desired_retention: profile.desired_retention,
  };
}

/** 0–500 whole cards, or null when the text is not such a number. */
export function validNewCards(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const value = Number(text);
  return value >= 0 && value <= 500 ? value : null;
}

function sameGoals(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((goal) => b.includes(goal));
}

/** The PATCH body for what changed, or null while the form is invalid. */
export function profileChanges(profile: Profile, form: ProfileForm): ProfilePatch | null {
  const cards = validNewCards(form.new_cards_per_day);
  if (cards === null || !isTargetAllowed(form.current_level, form.target_level)) return null;
  const retention = Math.round(form.desired_retention * 100) / 100;
  if (retention < 0.7 || retention > 0.97) return null;
  const patch: ProfilePatch = {};
  if (form.current_level !== profile.current_level) patch.current_level = form.current_level;
  if (form.target_level !== profile.target_level) patch.target_level = form.target_level;
  if (!sameGoals(form.goals, profile.goals)) patch.goals = form.goals;
  if (form.interface_language !== profile.interface_language) {
    patch.interface_language = form.interface_language;
  }
  if (cards !== profile.new_cards_per_day) patch.new_cards_per_day = cards;
  if (Math.abs(retention - profile.desired_retention) > 1e-9) patch.desired_retention = retention;
  return patch;
}
