import { describe, expect, it } from 'vitest';
import { searchZones, timeZones, zoneCity, zoneOptions } from './timezone';
import { ZONE_ALSO_FOUND_AS, ZONE_NAMES_RU } from './zoneNamesRu';

const at = new Date('2026-01-15T12:00:00Z');
const ZONES = ['Europe/Madrid', 'Europe/Moscow', 'Asia/Yekaterinburg', 'America/Sao_Paulo', 'Pacific/Chatham'];

describe('time zones in Russian', () => {
  it('are labelled with Russian city and region names in a Russian interface', () => {
    expect(zoneOptions(ZONES, at, 'ru').map((o) => o.label)).toEqual([
      'UTC-03:00 · Сан-Паулу (Америка)',
      'UTC+01:00 · Мадрид (Европа)',
      'UTC+03:00 · Москва (Европа)',
      'UTC+05:00 · Екатеринбург (Азия)',
      // No Russian name: the city stays as the zone spells it, the region is translated.
      'UTC+13:45 · Chatham (Тихий океан)',
    ]);
    expect(zoneOptions(['Europe/Madrid'], at, 'en')[0]?.label).toBe('UTC+01:00 · Madrid (Europe)');
  });

  it('are found by their Russian and their English names in either interface', () => {
    for (const lang of ['ru', 'en'] as const) {
      const options = zoneOptions(ZONES, at, lang);
      const found = (query: string) => searchZones(options, query, '').map((o) => o.zone);
      expect(found('Мадрид')).toEqual(['Europe/Madrid']);
      expect(found('madrid')).toEqual(['Europe/Madrid']);
      expect(found('москва')).toEqual(['Europe/Moscow']);
      expect(found('Екатерин')).toEqual(['Asia/Yekaterinburg']);
      // Another city in the zone.
      expect(found('петербург')).toEqual(['Europe/Moscow']);
      expect(found('Сан-Паулу')).toEqual(['America/Sao_Paulo']);
      expect(found('Европа')).toEqual(['Europe/Madrid', 'Europe/Moscow']);
    }
    const kishinev = zoneOptions(['Europe/Chisinau'], at, 'ru');
    expect(searchZones(kishinev, 'Кишинев', '')).toHaveLength(1);
    expect(searchZones(kishinev, 'кишинёв', '')).toHaveLength(1);
  });

  it('keep the chosen zone listed whatever the search', () => {
    const options = zoneOptions(ZONES, at, 'ru');
    expect(searchZones(options, 'Мадрид', 'Asia/Yekaterinburg').map((o) => o.zone)).toEqual([
      'Europe/Madrid',
      'Asia/Yekaterinburg',
    ]);
  });

  it('name every zone of Russia, the CIS capitals and the common capitals the runtime knows', () => {
    const musts = [
      'Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk',
      'Asia/Novosibirsk', 'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Yakutsk', 'Asia/Vladivostok',
      'Asia/Magadan', 'Asia/Kamchatka', 'Asia/Anadyr', 'Europe/Minsk', 'Asia/Almaty', 'Asia/Tashkent',
      'Asia/Bishkek', 'Asia/Dushanbe', 'Asia/Ashgabat', 'Asia/Baku', 'Asia/Yerevan', 'Asia/Tbilisi',
      'Europe/Chisinau', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Asia/Tokyo',
      'America/New_York', 'Australia/Sydney', 'Africa/Cairo',
    ];
    for (const zone of musts) expect(ZONE_NAMES_RU[zone], zone).toMatch(/^[А-ЯЁ]/);
    expect(Object.keys(ZONE_NAMES_RU).length).toBeGreaterThanOrEqual(150);
    // Every Russian zone of the runtime's database has a name.
    const russian = timeZones().filter((zone) => utcRussia.has(zone));
    for (const zone of russian) expect(ZONE_NAMES_RU[zone], zone).toBeDefined();
    // Every name belongs to a zone the runtime knows (older spellings: either one).
    const known = new Set(timeZones());
    const unknown = Object.keys(ZONE_NAMES_RU).filter((zone) => !known.has(zone) && !ALIASES.has(zone));
    expect(unknown).toEqual([]);
    for (const zone of Object.keys(ZONE_ALSO_FOUND_AS)) expect(ZONE_NAMES_RU[zone], zone).toBeDefined();
  });

  it('names the city in the settings in the interface language', () => {
    expect(zoneCity('Asia/Yekaterinburg', 'ru')).toBe('Екатеринбург');
    expect(zoneCity('Asia/Yekaterinburg', 'en')).toBe('Yekaterinburg');
    expect(zoneCity('America/Argentina/Ushuaia', 'ru')).toBe('Ushuaia');
  });
});

/** Russia's zones in the tz database (zone1970.tab, country RU). */
const utcRussia = new Set([
  'Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Kirov', 'Europe/Volgograd', 'Europe/Astrakhan',
  'Europe/Saratov', 'Europe/Ulyanovsk', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk',
  'Asia/Novosibirsk', 'Asia/Barnaul', 'Asia/Tomsk', 'Asia/Novokuznetsk', 'Asia/Krasnoyarsk',
  'Asia/Irkutsk', 'Asia/Chita', 'Asia/Yakutsk', 'Asia/Khandyga', 'Asia/Vladivostok', 'Asia/Ust-Nera',
  'Asia/Magadan', 'Asia/Sakhalin', 'Asia/Srednekolymsk', 'Asia/Kamchatka', 'Asia/Anadyr',
]);

/** Zones listed under both spellings; a runtime knows one of each pair. */
const ALIASES = new Set([
  'Europe/Kyiv', 'Europe/Kiev', 'Asia/Ho_Chi_Minh', 'Asia/Saigon', 'Asia/Yangon', 'Asia/Rangoon',
  'Asia/Kolkata', 'Asia/Calcutta', 'Asia/Kathmandu', 'Asia/Katmandu', 'America/Argentina/Buenos_Aires',
  'America/Buenos_Aires',
]);
