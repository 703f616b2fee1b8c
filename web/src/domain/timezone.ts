import type { TimeZone } from '../api/types';

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
  /** "UTC+05:00 · Yekaterinburg (Asia)". */
  label: string;
  /** What a search matches: the zone's words folded (no case, no diacritics). */
  key: string;
}

export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Zones with their current UTC offsets, west to east, then by name. */
export function zoneOptions(zones: string[], at: Date = new Date()): ZoneOption[] {
  return zones
    .map((zone) => {
      const offset = utcOffset(zone, at) || 'UTC';
      const parts = zone.split('/');
      const city = (parts.at(-1) ?? zone).replace(/_/g, ' ');
      const region = parts.slice(0, -1).join('/').replace(/_/g, ' ');
      const label = `${offset} · ${city}${region ? ` (${region})` : ''}`;
      return { zone, offset, label, key: foldForSearch(`${zone.replace(/[_/]/g, ' ')} ${offset}`) };
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
