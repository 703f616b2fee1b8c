import type { Goal, InterfaceLanguage, Level, NewProfile } from '../api/types';
import { isLanguageCode } from '../domain/languages';
import { isTargetAllowed } from '../domain/levels';
import type { MessageKey } from '../i18n/i18n';

export const WIZARD_STEPS = ['language', 'levels', 'goals', 'interface'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface ProfileDraft {
  language: string | null;
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
}

export function emptyDraft(interfaceLanguage: InterfaceLanguage): ProfileDraft {
  return {
    language: null,
    current_level: 'A1',
    target_level: 'B1',
    goals: [],
    interface_language: interfaceLanguage,
  };
}

export function isWizardStep(value: string | undefined): value is WizardStep {
  return (WIZARD_STEPS as readonly string[]).includes(value ?? '');
}

/** Why the step cannot be left yet, or null when it is complete. */
export function stepProblem(step: WizardStep, draft: ProfileDraft): MessageKey | null {
  switch (step) {
    case 'language':
      return draft.language && isLanguageCode(draft.language) ? null : 'wizard.missingLanguage';
    case 'levels':
      return isTargetAllowed(draft.current_level, draft.target_level)
        ? null
        : 'wizard.levels.targetBelow';
    case 'goals':
      return draft.goals.length > 0 ? null : 'wizard.goals.required';
    case 'interface':
      return null;
  }
}

/** The first step whose data is missing, so a reload mid-way restarts where needed. */
export function firstIncompleteStep(draft: ProfileDraft, upTo: WizardStep): WizardStep | null {
  for (const step of WIZARD_STEPS) {
    if (step === upTo) return null;
    if (stepProblem(step, draft)) return step;
  }
  return null;
}

const DRAFT_KEY = 'la_wizard_draft:';

/** The answers given so far, kept in sessionStorage so that a reload mid-way loses nothing. */
export function loadDraft(mode: string, fallback: ProfileDraft): ProfileDraft {
  try {
    const text = sessionStorage.getItem(DRAFT_KEY + mode);
    if (!text) return fallback;
    const stored = JSON.parse(text) as Partial<ProfileDraft>;
    const draft = { ...fallback, ...stored };
    // Anything unreadable falls back to the defaults rather than into the request.
    return {
      language: typeof draft.language === 'string' ? draft.language : null,
      current_level: draft.current_level,
      target_level: draft.target_level,
      goals: Array.isArray(draft.goals) ? draft.goals : [],
      interface_language: draft.interface_language === 'en' ? 'en' : 'ru',
    };
  } catch {
    return fallback;
  }
}

export function saveDraft(mode: string, draft: ProfileDraft | null): void {
  try {
    if (draft) sessionStorage.setItem(DRAFT_KEY + mode, JSON.stringify(draft));
    else sessionStorage.removeItem(DRAFT_KEY + mode);
  } catch {
    // Without storage a reload starts over, as before.
  }
}

export function toNewProfile(draft: ProfileDraft): NewProfile | null {
  if (!draft.language || !isLanguageCode(draft.language)) return null;
  return {
    language: draft.language,
    current_level: draft.current_level,
    target_level: draft.target_level,
    goals: draft.goals,
    interface_language: draft.interface_language,
  };
}
