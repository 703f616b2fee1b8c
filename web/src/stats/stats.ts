// Pure helpers of the stats screen: calendar dates (the server's `YYYY-MM-DD` study days, done in
// UTC so the device's zone never shifts a day), the heat-map's weeks, the chart's zero-filled
// buckets, durations, the weakest topic, "safe until" and "time ago".
import type { Calendar, CalendarDay, DayStats, TopicAccuracy } from '../api/types';

const DAY_MS = 86_400_000;

/** Milliseconds of a study date's UTC midnight (the date as a label, not an instant). */
export function dateValue(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(dateValue(date) + days * DAY_MS);
}

/** Days from `from` to `to`, both counted. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateValue(to) - dateValue(from)) / DAY_MS) + 1;
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayIndex(date: string): number {
  return (new Date(dateValue(date)).getUTCDay() + 6) % 7;
}

/** The Monday of the date's week. */
export function mondayOf(date: string): string {
  return addDays(date, -weekdayIndex(date));
}

/**
 * The heat-map's columns: one per calendar week, each seven slots from Monday to Sunday, a
 * slot `null` where the range has no day (the days after today in the last week, or before a
 * `from` that is not a Monday).
 */
export function calendarWeeks(calendar: Calendar): (CalendarDay | null)[][] {
  if (calendar.days.length === 0) return [];
  const byDate = new Map(calendar.days.map((day) => [day.date, day]));
  const start = mondayOf(calendar.from);
  const weeks = Math.ceil(daysBetween(start, calendar.to) / 7);
  return Array.from({ length: weeks }, (_, week) =>
    Array.from({ length: 7 }, (_, weekday) => {
      const date = addDays(start, week * 7 + weekday);
      if (date < calendar.from || date > calendar.to) return null;
      return byDate.get(date) ?? { date, actions: 0, level: 'none' };
    }),
  );
}

export type BucketUnit = 'day' | 'week' | 'month';

export interface ChartBucket {
  /** First and last study day of the bucket, within the period. */
  start: string;
  end: string;
  reviews: number;
}

/** Up to this many days the chart has a bar per day; then per week, and past it per month. */
const DAILY_UP_TO = 92;
const WEEKLY_UP_TO = 371;

/**
 * Reviews of the period as bars, days without activity as zero: a bar per day up to three
 * months, per week (Monday first) up to a year, per month beyond (the "all" period).
 */
export function reviewBuckets(from: string, to: string, days: DayStats[]): { unit: BucketUnit; buckets: ChartBucket[] } {
  const length = Math.max(0, daysBetween(from, to));
  const unit: BucketUnit = length <= DAILY_UP_TO ? 'day' : length <= WEEKLY_UP_TO ? 'week' : 'month';
  const reviews = new Map(days.map((day) => [day.date, day.reviews]));
  const keyOf = (date: string) => (unit === 'day' ? date : unit === 'week' ? mondayOf(date) : date.slice(0, 7));
  const buckets: ChartBucket[] = [];
  for (let i = 0; i < length; i += 1) {
    const date = addDays(from, i);
    const last = buckets[buckets.length - 1];
    const count = reviews.get(date) ?? 0;
    if (last && keyOf(last.start) === keyOf(date)) {
      last.end = date;
      last.reviews += count;
    } else {
      buckets.push({ start: date, end: date, reviews: count });
    }
  }
  return { unit, buckets };
}

/**
 * The chart's top: the smallest of 1, 2, 3, 4, 5, 6, 8 × 10ⁿ at or above `max` (at least 1), so
 * the tallest bar fills most of the height and the ticks stay round.
 */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 3, 4, 5, 6, 8, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Whole hours and minutes of `seconds` (minutes rounded, at least 0). */
export function hoursMinutes(seconds: number): { hours: number; minutes: number } {
  const total = Math.max(0, Math.round(seconds / 60));
  return { hours: Math.floor(total / 60), minutes: total % 60 };
}

/** Topics by accuracy, weakest first; equal ones by more attempts first, then by name. */
export function topicsByAccuracy(topics: TopicAccuracy[]): TopicAccuracy[] {
  return [...topics].sort(
    (a, b) => a.accuracy - b.accuracy || b.attempts - a.attempts || (a.name ?? '').localeCompare(b.name ?? ''),
  );
}

/**
 * The topic to practise: the lowest accuracy among topics that still exist, marked only when
 * there are at least two to compare.
 */
export function weakestTopic(topics: TopicAccuracy[]): TopicAccuracy | undefined {
  const existing = topics.filter((topic) => topic.topic_id);
  if (existing.length < 2) return undefined;
  return topicsByAccuracy(existing)[0];
}

/** The calendar date of an instant in `zone` (the device's when the zone is unknown). */
function dateInZone(at: Date, zone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  }
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export interface LocalMoment {
  /** Which calendar day it falls on, seen from now in the same zone. */
  day: 'today' | 'tomorrow' | 'later';
  /** "04:00". */
  time: string;
  /** "29 ноября" / "November 29". */
  date: string;
  /** "пятница" / "Friday". */
  weekday: string;
}

/** An instant ("safe until") as the learner's zone shows it, relative to `now`. */
export function localMoment(iso: string, zone: string | undefined, lang: string, now: Date = new Date()): LocalMoment | undefined {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  const timeZone = validZone(zone);
  const target = dateInZone(at, timeZone);
  const today = dateInZone(now, timeZone);
  const day = target === today ? 'today' : target === addDays(today, 1) ? 'tomorrow' : 'later';
  return {
    day,
    time: new Intl.DateTimeFormat(lang, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at),
    date: new Intl.DateTimeFormat(lang, { timeZone, day: 'numeric', month: 'long' }).format(at),
    weekday: new Intl.DateTimeFormat(lang, { timeZone, weekday: 'long' }).format(at),
  };
}

/** A study date for people: "среда, 26 ноября". */
export function formatStudyDate(date: string, lang: string, options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' }): string {
  return new Intl.DateTimeFormat(lang, { ...options, timeZone: 'UTC' }).format(new Date(dateValue(date)));
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 минут назад", "вчера", "just now" (under a minute). */
export function timeAgo(iso: string, lang: string, now: Date = new Date()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  let value = (at - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (Math.abs(value) < 60) return format.format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}
