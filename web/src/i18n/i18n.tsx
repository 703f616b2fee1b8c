import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { InterfaceLanguage } from '../api/types';
import { en } from './en';
import { ru, type MessageKey } from './ru';

export type { MessageKey };
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogs: Record<InterfaceLanguage, Record<MessageKey, string>> = { ru, en };

/** Fills `{name}` slots; unknown slots stay visible so a missing value is noticed. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (slot, name: string) =>
    name in params ? String(params[name]) : slot,
  );
}

export function translator(lang: InterfaceLanguage): Translate {
  const catalog = catalogs[lang];
  return (key, params) => format(catalog[key] ?? ru[key] ?? key, params);
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
