import type { InterfaceLanguage, LanguageCode } from '../api/types';

/** Offered first in the language picker: the most studied languages among our users. */
export const POPULAR_LANGUAGES = [
  'en', 'de', 'fr', 'es', 'it', 'pt', 'zh', 'ja', 'ko', 'tr', 'pl', 'uk', 'ar', 'nl', 'cs', 'he',
] as const;

/** Every current ISO 639-1 code (183; "bh" is withdrawn), so any language can be found. */
export const ISO_639_1 = (
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy ' +
  'da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht ' +
  'hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky ' +
  'la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny ' +
  'oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss ' +
  'st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo ' +
  'za zh zu'
).split(' ');

const CODES = new Set<string>(ISO_639_1);

/** A code the picker offers, which the server takes as a profile's language. */
export function isLanguageCode(code: string): code is LanguageCode {
  return CODES.has(code);
}

const displayNames = new Map<string, Intl.DisplayNames | null>();

function namesFor(ui: InterfaceLanguage): Intl.DisplayNames | null {
  if (!displayNames.has(ui)) {
    try {
      displayNames.set(ui, new Intl.DisplayNames([ui], { type: 'language' }));
    } catch {
      displayNames.set(ui, null);
    }
  }
  return displayNames.get(ui) ?? null;
}

/** The language's name in the interface language, capitalised ("Английский", "English"). */
export function languageName(code: string, ui: InterfaceLanguage): string {
  const name = namesFor(ui)?.of(code);
  if (!name || name === code) return code.toUpperCase();
  return name.charAt(0).toLocaleUpperCase(ui) + name.slice(1);
}

export interface LanguageOption {
  code: string;
  name: string;
}

/** Popular languages in their fixed order, then all others alphabetically by name. */
export function languageOptions(ui: InterfaceLanguage): {
  popular: LanguageOption[];
  all: LanguageOption[];
} {
  const names = new Map(ISO_639_1.map((code) => [code, languageName(code, ui)]));
  const uses = new Map<string, number>();
  for (const name of names.values()) uses.set(name, (uses.get(name) ?? 0) + 1);
  // Some codes share a display name (ak and tw are both "Akan"); the code tells them apart.
  const toOption = (code: string) => {
    const name = names.get(code) ?? languageName(code, ui);
    return { code, name: (uses.get(name) ?? 0) > 1 ? `${name} (${code})` : name };
  };
  const popular = POPULAR_LANGUAGES.map(toOption);
  const all = ISO_639_1.map(toOption).sort((a, b) => a.name.localeCompare(b.name, ui));
  return { popular, all };
}

/** Case-insensitive match on the name in the UI language, the English name or the code. */
export function searchLanguages(
  options: LanguageOption[],
  query: string,
  ui: InterfaceLanguage,
): LanguageOption[] {
  const needle = query.trim().toLocaleLowerCase(ui);
  if (!needle) return options;
  return options.filter(
    (option) =>
      option.code === needle ||
      option.name.toLocaleLowerCase(ui).includes(needle) ||
      languageName(option.code, 'en').toLowerCase().includes(needle),
  );
}
