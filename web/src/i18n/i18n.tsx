import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { InterfaceLanguage } from '../api/types';
import { en } from './en';
import { ru, type MessageKey } from './ru';

export type { MessageKey };
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogs: Record<InterfaceLanguage, Record<MessageKey, string>> = { ru, en };

const pluralRules: Partial<Record<InterfaceLanguage, Intl.PluralRules>> = {};

/** The CLDR plural category of `n` in `lang` ("17 новых": many; "2 новые": few). */
export function pluralCategory(lang: InterfaceLanguage, n: number): Intl.LDMLPluralRule {
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(lang));
  return rules.select(n);
}

/** `{n, plural, one {# карточка} few {# карточки} many {# карточек} other {# карточки}}`. */
const PLURAL = /\{(\w+), plural,((?:\s*\w+\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_FORM = /(\w+)\s*\{([^{}]*)\}/g;

/**
 * Fills `{name}` slots and ICU-style plural slots (the category by `Intl.PluralRules`, `#` the
 * number, `other` the fallback); unknown slots stay visible so a missing value is noticed. A
 * plural slot given a string (a "?" for a number the server left out) takes the `other` form.
 */
export function format(template: string, params?: Params, lang: InterfaceLanguage = 'ru'): string {
  if (!params) return template;
  const plurals = template.replace(PLURAL, (slot, name: string, body: string) => {
    const value = params[name];
    if (value === undefined) return slot;
    const forms = new Map<string, string>();
    for (const [, category, text] of body.matchAll(PLURAL_FORM)) forms.set(category ?? '', text ?? '');
    const category = typeof value === 'number' ? pluralCategory(lang, value) : 'other';
    const form = forms.get(category) ?? forms.get('other') ?? '';
    return form.replace(/#/g, String(value));
  });
  return plurals.replace(/\{(\w+)\}/g, (slot, name: string) => (name in params ? String(params[name]) : slot));
}

export function translator(lang: InterfaceLanguage): Translate {
  const catalog = catalogs[lang];
  return (key, params) => format(catalog[key] ?? ru[key] ?? key, params, lang);
}

/** Maps any language code (Telegram's language_code, navigator.language) to ru or en. */
export function toInterfaceLanguage(code: string | null | undefined): InterfaceLanguage {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

interface I18nValue {
  lang: InterfaceLanguage;
  t: Translate;
}

const I18nContext = createContext<I18nValue>({ lang: 'ru', t: translator('ru') });

export function I18nProvider({ lang, children }: { lang: InterfaceLanguage; children: ReactNode }) {
  const value = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}
