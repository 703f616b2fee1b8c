import type { InterfaceLanguage } from '../api/types';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Anki's calendar-free units: a month is 30 days, a year 365.
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

const UNITS: Record<InterfaceLanguage, { m: string; h: string; d: string; mo: string; y: string; space: string }> = {
  en: { m: 'm', h: 'h', d: 'd', mo: 'mo', y: 'y', space: '' },
  ru: { m: 'мин', h: 'ч', d: 'д', mo: 'мес', y: 'г', space: ' ' },
};

/** One decimal at most, without a trailing ".0", with the language's decimal separator. */
function oneDecimal(value: number, lang: InterfaceLanguage): string {
  const rounded = Math.round(value * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return lang === 'ru' ? text.replace('.', ',') : text;
}

/**
 * An interval in seconds as Anki labels its answer buttons: "<1m", "5m", "10m", "1.5h",
 * "3d", "1.5mo", "2y". Minutes and days are whole; hours, months and years keep one decimal.
 */
export function formatInterval(seconds: number, lang: InterfaceLanguage = 'en'): string {
  const u = UNITS[lang];
  const s = Math.max(0, seconds);
  if (s < MINUTE) return `<1${u.space}${u.m}`;
  if (s < HOUR) return `${Math.round(s / MINUTE)}${u.space}${u.m}`;
  if (s < DAY) return `${oneDecimal(s / HOUR, lang)}${u.space}${u.h}`;
  if (s < MONTH) return `${Math.round(s / DAY)}${u.space}${u.d}`;
  if (s < YEAR) return `${oneDecimal(s / MONTH, lang)}${u.space}${u.mo}`;
  return `${oneDecimal(s / YEAR, lang)}${u.space}${u.y}`;
}

/** Time spent in a session: "45 s", "3 min 20 s", "1 h 5 min" (seconds dropped past an hour). */
export function formatDuration(ms: number, lang: InterfaceLanguage = 'en'): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const [h, m, sec] = lang === 'ru' ? ['ч', 'мин', 'с'] : ['h', 'min', 's'];
  if (hours > 0) return minutes > 0 ? `${hours} ${h} ${minutes} ${m}` : `${hours} ${h}`;
  if (minutes > 0) return seconds > 0 ? `${minutes} ${m} ${seconds} ${sec}` : `${minutes} ${m}`;
  return `${seconds} ${sec}`;
}
