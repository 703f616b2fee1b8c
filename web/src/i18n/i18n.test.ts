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

  it('agrees the nouns after a number in the catalogues at 1, 2, 5 and 21', () => {
    const at = (lang: 'ru' | 'en', key: Parameters<ReturnType<typeof translator>>[0], name: string) =>
      [1, 2, 5, 21].map((n) => translator(lang)(key, { [name]: n, used: 0, time: '00:00', word: 'x', field: 'back' }));
    expect(at('en', 'transfer.confirm', 'count')).toEqual([
      'Import 1 card',
      'Import 2 cards',
      'Import 5 cards',
      'Import 21 cards',
    ]);
    expect(at('en', 'error.LIMIT_REACHED', 'max')).toEqual([
      'Your plan limit is reached: at most 1 language.',
      'Your plan limit is reached: at most 2 languages.',
      'Your plan limit is reached: at most 5 languages.',
      'Your plan limit is reached: at most 21 languages.',
    ]);
    expect(at('en', 'error.LIMIT_REACHED.cards', 'max')[0]).toBe('Your plan limit is reached: at most 1 card.');
    expect(at('en', 'generate.tooMany', 'max')).toEqual([
      'At most 1 word at a time.',
      'At most 2 words at a time.',
      'At most 5 words at a time.',
      'At most 21 words at a time.',
    ]);
    expect(at('en', 'chat.quotaExceeded.text', 'max')[0]).toBe(
      'You have used 0 of 1 tutor message today. You can write again from 00:00.',
    );
    expect(at('ru', 'generate.tooMany', 'max')).toEqual([
      'Не больше 1 слова за раз.',
      'Не больше 2 слов за раз.',
      'Не больше 5 слов за раз.',
      'Не больше 21 слова за раз.',
    ]);
    expect(at('ru', 'generate.tooLong', 'max')).toEqual([
      'Длиннее 1 символа: x',
      'Длиннее 2 символов: x',
      'Длиннее 5 символов: x',
      'Длиннее 21 символа: x',
    ]);
    expect(at('ru', 'chat.quotaExceeded.text', 'max')).toEqual(
      ['1 сообщения', '2 сообщений', '5 сообщений', '21 сообщения'].map(
        (quota) => `Сегодня использовано 0 из ${quota} репетитору. Новые можно будет отправить с 00:00.`,
      ),
    );
    expect(at('ru', 'transfer.code.TOO_LONG', 'max')).toEqual([
      'слишком длинное поле «back» (больше 1 символа)',
      'слишком длинное поле «back» (больше 2 символов)',
      'слишком длинное поле «back» (больше 5 символов)',
      'слишком длинное поле «back» (больше 21 символа)',
    ]);
    expect(at('ru', 'profile.limit.title', 'max')[1]).toBe('На бесплатном тарифе — 2 языка');
  });

  it('agrees the stats and notification nouns at 1, 2, 5, 11 and 21', () => {
    const at = (lang: 'ru' | 'en', key: Parameters<ReturnType<typeof translator>>[0]) =>
      [1, 2, 5, 11, 21].map((n) => translator(lang)(key, { n, weeks: n, date: 'd' }));
    expect(at('ru', 'streak.inARow')).toEqual(['1 день подряд', '2 дня подряд', '5 дней подряд', '11 дней подряд', '21 день подряд']);
    expect(at('ru', 'streak.days')).toEqual(['1 день', '2 дня', '5 дней', '11 дней', '21 день']);
    expect(at('ru', 'calendar.cell')).toEqual(['d: 1 действие', 'd: 2 действия', 'd: 5 действий', 'd: 11 действий', 'd: 21 действие']);
    expect(at('ru', 'calendar.title')).toEqual([
      'Активность за 1 неделю', 'Активность за 2 недели', 'Активность за 5 недель', 'Активность за 11 недель', 'Активность за 21 неделю',
    ]);
    expect(at('ru', 'chart.total')[3]).toBe('Всего 11 повторений');
    expect(at('ru', 'notifications.openUnread')).toEqual([
      'Уведомления: 1 непрочитанное', 'Уведомления: 2 непрочитанных', 'Уведомления: 5 непрочитанных',
      'Уведомления: 11 непрочитанных', 'Уведомления: 21 непрочитанное',
    ]);
    expect(at('en', 'streak.inARow').slice(0, 2)).toEqual(['1 day in a row', '2 days in a row']);
    expect(at('en', 'calendar.cell').slice(0, 2)).toEqual(['d: 1 action', 'd: 2 actions']);
    expect(at('en', 'chart.total').slice(0, 2)).toEqual(['1 review in total', '2 reviews in total']);
  });

  it('leaves no number before a noun without a plural slot', () => {
    // "{max} cards", "{n} слов": a number slot followed by a noun must be a plural slot.
    const english = /\{\w+\} (cards?|words?|languages?|characters?|messages?|tutor messages?|lines?|rows?|decks?)\b/;
    const russian = /\{\w+\} (карточ|слов|язык|символ|сообщени|строк|колод)/;
    for (const [key, text] of Object.entries(en)) expect(english.test(text), `en ${key}: ${text}`).toBe(false);
    for (const [key, text] of Object.entries(ru)) expect(russian.test(text), `ru ${key}: ${text}`).toBe(false);
  });

  it('takes the "other" form when a plural slot is given no number', () => {
    expect(translator('en')('error.LIMIT_REACHED', { max: '?' })).toBe('Your plan limit is reached: at most ? languages.');
    expect(format('{n, plural, one {# card} other {# cards}}', {}, 'en')).toBe('{n, plural, one {# card} other {# cards}}');
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
