import { describe, expect, it } from 'vitest';
import { isCardState } from './cardStates';
import { isGoal } from './goals';
import { ISO_639_1, POPULAR_LANGUAGES, isLanguageCode, languageName, languageOptions, searchLanguages } from './languages';
import { adjustTarget, isLevel, isTargetAllowed, toLevel } from './levels';
import { searchZones, shouldSyncTimeZone, utcOffset, zoneOptions } from './timezone';

describe('levels', () => {
  it('allows a target equal to or above the current level only', () => {
    expect(isTargetAllowed('B1', 'B1')).toBe(true);
    expect(isTargetAllowed('B1', 'C2')).toBe(true);
    expect(isTargetAllowed('B1', 'A2')).toBe(false);
  });

  it('raises the target when the current level passes it', () => {
    expect(adjustTarget('C1', 'B2')).toBe('C1');
    expect(adjustTarget('A1', 'B2')).toBe('B2');
  });

  it('reads a level the server sent as a string; an unknown one as A1', () => {
    expect(isLevel('B2')).toBe(true);
    expect(isLevel('b2')).toBe(false);
    expect(toLevel('C1')).toBe('C1');
    expect(toLevel('D1')).toBe('A1');
  });
});

describe('closed sets the server sends as strings', () => {
  it('tells known goals, card states and language codes', () => {
    expect(isGoal('travel')).toBe(true);
    expect(isGoal('sleep')).toBe(false);
    expect(isCardState('relearning')).toBe(true);
    expect(isCardState('suspended')).toBe(false);
    expect(isLanguageCode('de')).toBe(true);
    expect(isLanguageCode('xx')).toBe(false);
  });
});

describe('languages', () => {
  it('covers all 183 current ISO 639-1 codes and lists popular ones first', () => {
    expect(new Set(ISO_639_1).size).toBe(183);
    const { popular, all } = languageOptions('ru');
    expect(popular.map((o) => o.code)).toEqual([...POPULAR_LANGUAGES]);
    expect(all).toHaveLength(183);
  });

  it('gives every option a distinct name', () => {
    for (const ui of ['ru', 'en'] as const) {
      const names = languageOptions(ui).all.map((o) => o.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('names languages in the interface language', () => {
    expect(languageName('de', 'ru')).toBe('Немецкий');
    expect(languageName('de', 'en')).toBe('German');
    // Every code has a name, never the bare code ("AA"), whatever the runtime knows.
    for (const code of ISO_639_1) expect(languageName(code, 'ru').toLowerCase()).not.toBe(code);
  });

  it('tells Twi from Akan, without codes in the names', () => {
    expect([languageName('ak', 'ru'), languageName('tw', 'ru')]).toEqual(['Акан', 'Тви']);
    expect([languageName('ak', 'en'), languageName('tw', 'en')]).toEqual(['Akan', 'Twi']);
    for (const ui of ['ru', 'en'] as const) {
      const withCodes = languageOptions(ui).all.filter((o) => /\(\w{2}\)$/.test(o.name));
      expect(withCodes, ui).toEqual([]);
    }
  });

  it('finds languages by name in either language or by code', () => {
    const { all } = languageOptions('ru');
    expect(searchLanguages(all, 'немец', 'ru').map((o) => o.code)).toContain('de');
    expect(searchLanguages(all, 'german', 'ru').map((o) => o.code)).toContain('de');
    expect(searchLanguages(all, 'fi', 'ru').map((o) => o.code)).toContain('fi');
  });
});

describe('time zone sync', () => {
  it('sends the device zone when it differs, unless the stored zone was chosen by hand', () => {
    expect(shouldSyncTimeZone('UTC', 'Europe/Moscow', 'device')).toBe(true);
    expect(shouldSyncTimeZone('Europe/Moscow', 'Europe/Moscow', 'device')).toBe(false);
    expect(shouldSyncTimeZone('Asia/Tokyo', 'Europe/Moscow', 'manual')).toBe(false);
  });
});

describe('time zone options', () => {
  it('show UTC offsets and are found by city, without case or diacritics', () => {
    const at = new Date('2026-01-15T12:00:00Z');
    expect(utcOffset('Asia/Yekaterinburg', at)).toBe('UTC+05:00');
    const options = zoneOptions(['Europe/Madrid', 'America/Sao_Paulo', 'Asia/Yekaterinburg'], at);
    expect(options.map((o) => o.label)).toEqual([
      'UTC-03:00 · Sao Paulo (America)',
      'UTC+01:00 · Madrid (Europe)',
      'UTC+05:00 · Yekaterinburg (Asia)',
    ]);
    expect(searchZones(options, 'são paulo', '').map((o) => o.zone)).toEqual(['America/Sao_Paulo']);
    expect(searchZones(options, 'MADR', 'Asia/Yekaterinburg').map((o) => o.zone)).toEqual([
      'Europe/Madrid',
      'Asia/Yekaterinburg',
    ]);
  });
});
