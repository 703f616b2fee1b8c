import type { InterfaceLanguage, TimeZone } from '../api/types';
import { ZONE_ALSO_FOUND_AS, ZONE_NAMES_RU, ZONE_REGIONS_RU } from './zoneNamesRu';

/**
 * A zone name from the runtime (Intl) or the server, as the contract's type for `PATCH /api/me`.
 * The contract lists the zones of the server's tz database; the runtime's are the same IANA
 * names, and one the server does not know is refused there (422 VALIDATION_ERROR), not here.
 */
export function asTimeZone(zone: string): TimeZone {
  return zone as TimeZone;
}

/** The device's IANA time zone, or UTC when the runtime cannot tell. */
export function detectedTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** All IANA zones the runtime knows, always including the given ones. */
export function timeZones(...mustInclude: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const set = new Set([...zones, ...mustInclude.filter(Boolean)]);
  return [...set].sort();
}

/** "UTC+05:00" for `zone` at `at` ("UTC" for zero), or "" when the runtime cannot tell. */
export function utcOffset(zone: string, at: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    return name.replace('GMT', 'UTC');
  } catch {
    return '';
  }
}

/** Minutes east of UTC from "UTC+05:30" (0 for "UTC" or an unknown offset). */
function offsetMinutes(offset: string): number {
  const match = /([+-])(\d{2}):(\d{2})/.exec(offset);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

export interface ZoneOption {
  zone: string;
  offset: string;
  /** "UTC+05:00 · Yekaterinburg (Asia)"; in Russian "UTC+05:00 · Екатеринбург (Азия)". */
  label: string;
  /**
   * What a search matches, folded (no case, no diacritics): the zone's words, its offset, and
   * its Russian name and other cities in its zone in any interface language.
   */
  key: string;
}

export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The city of a zone for the learner: "Мадрид" in Russian where known, else "Madrid". */
export function zoneCity(zone: string, lang: InterfaceLanguage): string {
  const russian = lang === 'ru' ? ZONE_NAMES_RU[zone] : undefined;
  return russian ?? (zone.split('/').at(-1) ?? zone).replace(/_/g, ' ');
}

function zoneRegion(zone: string, lang: InterfaceLanguage): string {
  const parts = zone.split('/').slice(0, -1);
  if (lang === 'ru' && parts[0]) parts[0] = ZONE_REGIONS_RU[parts[0]] ?? parts[0];
  return parts.join('/').replace(/_/g, ' ');
}

/** Zones with their current UTC offsets, west to east, then by name; labels in `lang`. */
export function zoneOptions(zones: string[], at: Date = new Date(), lang: InterfaceLanguage = 'en'): ZoneOption[] {
  return zones
    .map((zone) => {
      const offset = utcOffset(zone, at) || 'UTC';
      const city = zoneCity(zone, lang);
      const region = zoneRegion(zone, lang);
      const label = `${offset} · ${city}${region ? ` (${region})` : ''}`;
      const words = [
        zone.replace(/[_/]/g, ' '),
        offset,
        ZONE_NAMES_RU[zone] ?? '',
        ZONE_ALSO_FOUND_AS[zone] ?? '',
        zoneRegion(zone, 'ru'),
      ];
      return { zone, offset, label, key: foldForSearch(words.join(' ')) };
    })
    .sort((a, b) => offsetMinutes(a.offset) - offsetMinutes(b.offset) || a.zone.localeCompare(b.zone));
}

/** The options whose city, region or offset contains `query`; `keep` always stays listed. */
export function searchZones(options: ZoneOption[], query: string, keep: string): ZoneOption[] {
  const folded = foldForSearch(query.trim());
  if (!folded) return options;
  return options.filter((o) => o.zone === keep || o.key.includes(folded));
}

/**
 * Whether to send the detected zone: only a learner who follows the device (the server's
 * `timezone_source`), and only when it differs. The server applies the same rule, so two
 * devices in different zones never overwrite a zone picked by hand.
 */
export function shouldSyncTimeZone(stored: string, detected: string, source: string): boolean {
  return source !== 'manual' && stored !== detected;
}
