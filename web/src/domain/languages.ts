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

/**
 * English names of every ISO 639-1 code, for a runtime whose Intl.DisplayNames has no name
 * for a code (or no DisplayNames at all): a learner never sees a bare code such as "AA".
 */
const ENGLISH_NAMES = new Map(
  (
    'aa Afar|ab Abkhazian|ae Avestan|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic|' +
    'as Assamese|av Avaric|ay Aymara|az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bi Bislama|' +
    'bm Bambara|bn Bengali|bo Tibetan|br Breton|bs Bosnian|ca Catalan|ce Chechen|ch Chamorro|' +
    'co Corsican|cr Cree|cs Czech|cu Church Slavic|cv Chuvash|cy Welsh|da Danish|de German|dv Divehi|' +
    'dz Dzongkha|ee Ewe|el Greek|en English|eo Esperanto|es Spanish|et Estonian|eu Basque|fa Persian|' +
    'ff Fula|fi Finnish|fj Fijian|fo Faroese|fr French|fy Western Frisian|ga Irish|' +
    'gd Scottish Gaelic|gl Galician|gn Guarani|gu Gujarati|gv Manx|ha Hausa|he Hebrew|hi Hindi|' +
    'ho Hiri Motu|hr Croatian|ht Haitian Creole|hu Hungarian|hy Armenian|hz Herero|ia Interlingua|' +
    'id Indonesian|ie Interlingue|ig Igbo|ii Sichuan Yi|ik Inupiaq|io Ido|is Icelandic|it Italian|' +
    'iu Inuktitut|ja Japanese|jv Javanese|ka Georgian|kg Kongo|ki Kikuyu|kj Kuanyama|kk Kazakh|' +
    'kl Kalaallisut|km Khmer|kn Kannada|ko Korean|kr Kanuri|ks Kashmiri|ku Kurdish|kv Komi|' +
    'kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda|li Limburgish|ln Lingala|lo Lao|' +
    'lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy|mh Marshallese|mi Maori|mk Macedonian|' +
    'ml Malayalam|mn Mongolian|mr Marathi|ms Malay|mt Maltese|my Burmese|na Nauru|' +
    'nb Norwegian Bokmål|nd North Ndebele|ne Nepali|ng Ndonga|nl Dutch|nn Norwegian Nynorsk|' +
    'no Norwegian|nr South Ndebele|nv Navajo|ny Nyanja|oc Occitan|oj Ojibwa|om Oromo|or Odia|' +
    'os Ossetic|pa Punjabi|pi Pali|pl Polish|ps Pashto|pt Portuguese|qu Quechua|rm Romansh|rn Rundi|' +
    'ro Romanian|ru Russian|rw Kinyarwanda|sa Sanskrit|sc Sardinian|sd Sindhi|se Northern Sami|' +
    'sg Sango|si Sinhala|sk Slovak|sl Slovenian|sm Samoan|sn Shona|so Somali|sq Albanian|sr Serbian|' +
    'ss Swati|st Southern Sotho|su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|' +
    'th Thai|ti Tigrinya|tk Turkmen|tl Tagalog|tn Tswana|to Tongan|tr Turkish|ts Tsonga|tt Tatar|' +
    'tw Twi|ty Tahitian|ug Uyghur|uk Ukrainian|ur Urdu|uz Uzbek|ve Venda|vi Vietnamese|vo Volapük|' +
    'wa Walloon|wo Wolof|xh Xhosa|yi Yiddish|yo Yoruba|za Zhuang|zh Chinese|zu Zulu'
  )
    .split('|')
    .map((entry) => [entry.slice(0, 2), entry.slice(3)] as const),
);

/** A name Intl gives back when it does not know the code: the code itself, or "AA"-like. */
function isRealName(name: string | undefined, code: string): name is string {
  return name !== undefined && name !== '' && name.toLowerCase() !== code.toLowerCase();
}

/**
 * Names Intl gets wrong for a learner: it calls Twi "Akan" like Akan itself, so the list showed
 * "Акан (ak)" and "Акан (tw)".
 */
const NAME_OVERRIDES: Partial<Record<string, Record<InterfaceLanguage, string>>> = {
  tw: { ru: 'тви', en: 'Twi' },
};

/** The language's name in the interface language, capitalised ("Английский", "English"). */
export function languageName(code: string, ui: InterfaceLanguage): string {
  const override = NAME_OVERRIDES[code]?.[ui];
  if (override) return override.charAt(0).toLocaleUpperCase(ui) + override.slice(1);
  let name: string | undefined;
  try {
    name = namesFor(ui)?.of(code);
  } catch {
    name = undefined;
  }
  if (!isRealName(name, code)) {
    try {
      name = namesFor('en')?.of(code);
    } catch {
      name = undefined;
    }
  }
  if (!isRealName(name, code)) name = ENGLISH_NAMES.get(code.toLowerCase());
  if (!name) return code.toUpperCase();
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
