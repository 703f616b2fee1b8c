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

const MANUAL_ZONE_KEY = 'la_manual_timezone';

/** The zone the user picked by hand in settings; automatic sync leaves it alone. */
export function manualTimeZone(): string | null {
  try {
    return localStorage.getItem(MANUAL_ZONE_KEY);
  } catch {
    return null;
  }
}

export function rememberManualTimeZone(zone: string | null): void {
  try {
    if (zone) localStorage.setItem(MANUAL_ZONE_KEY, zone);
    else localStorage.removeItem(MANUAL_ZONE_KEY);
  } catch {
    // Without storage the detected zone simply wins on the next launch.
  }
}

/**
 * Whether to PATCH the detected zone: on first launch and whenever the device zone differs
 * from the stored one, unless the stored one is a zone the user chose by hand.
 */
export function shouldSyncTimeZone(stored: string, detected: string, manual: string | null): boolean {
  if (stored === detected) return false;
  return manual === null || manual !== stored;
}
