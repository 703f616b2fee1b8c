import { describe, expect, it } from 'vitest';
import { en } from './en';
import { format, toInterfaceLanguage, translator } from './i18n';
import { ru } from './ru';

describe('i18n', () => {
  it('has the same keys in ru and en, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
    for (const value of [...Object.values(ru), ...Object.values(en)]) expect(value.trim()).not.toBe('');
  });

  it('translates into the chosen language and fills parameters', () => {
    expect(translator('ru')('home.greeting', { name: 'Анна' })).toBe('Привет, Анна!');
    expect(translator('en')('home.greeting', { name: 'Ann' })).toBe('Hi, Ann!');
    expect(translator('en')('home.profilesUsed', { used: 1, max: 10 })).toBe('Languages: 1 of 10');
  });

  it('picks Russian and English plural forms with Intl.PluralRules', () => {
    const template = '{n, plural, one {# новая} few {# новые} many {# новых} other {# новой}}';
    expect([1, 2, 5, 17, 21, 22, 111].map((n) => format(template, { n }, 'ru'))).toEqual([
      '1 новая',
      '2 новые',
      '5 новых',
      '17 новых',
      '21 новая',
      '22 новые',
      '111 новых',
    ]);
    expect(format('{n, plural, one {# card} other {# cards}} left', { n: 1 }, 'en')).toBe('1 card left');
    expect(format('{n, plural, one {# card} other {# cards}} left', { n: 3 }, 'en')).toBe('3 cards left');
  });

  it('leaves unknown slots visible', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('maps Telegram language codes to ru or en, Russian by default', () => {
    expect(toInterfaceLanguage('en')).toBe('en');
    expect(toInterfaceLanguage('en-US')).toBe('en');
    expect(toInterfaceLanguage('ru')).toBe('ru');
    expect(toInterfaceLanguage('de')).toBe('ru');
    expect(toInterfaceLanguage(undefined)).toBe('ru');
  });
});
