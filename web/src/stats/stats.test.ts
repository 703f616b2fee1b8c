import { describe, expect, it } from 'vitest';
import { calendar } from '../test/apiStub';
import {
  addDays,
  calendarWeeks,
  hoursMinutes,
  localMoment,
  niceMax,
  reviewBuckets,
  timeAgo,
  topicsByAccuracy,
  weakestTopic,
  weekdayIndex,
} from './stats';

describe('calendar weeks', () => {
  it('makes a column per week, Monday first, blank after today', () => {
    const weeks = calendarWeeks(calendar({ '2026-11-23': 3 }, '2026-11-27', 12));
    expect(weeks).toHaveLength(12);
    expect(weeks.every((week) => week.length === 7)).toBe(true);
    const first = weeks[0]?.[0];
    expect(first?.date).toBe('2026-09-07');
    expect(weekdayIndex(first?.date ?? '')).toBe(0);
    // Every row is one weekday.
    for (const week of weeks) week.forEach((day, row) => day && expect(weekdayIndex(day.date)).toBe(row));
    const last = weeks[11] ?? [];
    expect(last.map((day) => day?.date ?? null)).toEqual([
      '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', null, null,
    ]);
    expect(last[0]).toEqual({ date: '2026-11-23', actions: 3, level: 'low' });
  });

  it('on a Sunday the last week is full', () => {
    const weeks = calendarWeeks(calendar({}, '2026-11-29', 2));
    expect(weeks.map((week) => week.map((day) => day?.date.slice(8)))).toEqual([
      ['16', '17', '18', '19', '20', '21', '22'],
      ['23', '24', '25', '26', '27', '28', '29'],
    ]);
  });

  it('pads a range that does not start on a Monday and fills days left out', () => {
    const weeks = calendarWeeks({ from: '2026-11-25', to: '2026-11-27', days: [{ date: '2026-11-26', actions: 40, level: 'high' }] });
    expect(weeks).toHaveLength(1);
    expect(weeks[0]?.map((day) => day?.level ?? null)).toEqual([null, null, 'none', 'high', 'none', null, null]);
  });
});

describe('review buckets', () => {
  const day = (date: string, reviews: number) => ({ date, reviews, exercises: 0, cards_added: 0, seconds: 0 });

  it('has a bar for every day of a week, zero where nothing happened', () => {
    const { unit, buckets } = reviewBuckets('2026-11-21', '2026-11-27', [day('2026-11-23', 15), day('2026-11-27', 5)]);
    expect(unit).toBe('day');
    expect(buckets.map((b) => b.reviews)).toEqual([0, 0, 15, 0, 0, 0, 5]);
    expect(buckets[0]).toEqual({ start: '2026-11-21', end: '2026-11-21', reviews: 0 });
  });

  it('keeps days for 3 months, groups a year by weeks from Monday and longer spans by months', () => {
    expect(reviewBuckets(addDays('2026-11-27', -90), '2026-11-27', []).buckets).toHaveLength(91);
    const year = reviewBuckets(addDays('2026-11-27', -364), '2026-11-27', [day('2026-11-23', 2), day('2026-11-27', 3), day('2026-11-22', 4)]);
    expect(year.unit).toBe('week');
    const lastWeek = year.buckets[year.buckets.length - 1];
    expect(lastWeek).toEqual({ start: '2026-11-23', end: '2026-11-27', reviews: 5 });
    expect(year.buckets.reduce((sum, b) => sum + b.reviews, 0)).toBe(9);
    const all = reviewBuckets('2024-01-15', '2026-11-27', [day('2024-01-20', 1), day('2024-01-31', 2)]);
    expect(all.unit).toBe('month');
    expect(all.buckets[0]).toEqual({ start: '2024-01-15', end: '2024-01-31', reviews: 3 });
    expect(all.buckets).toHaveLength(35);
  });
});

describe('figures', () => {
  it('rounds the chart top to 1, 2, 3, 4, 5, 6, 8 × 10ⁿ', () => {
    expect([0, 1, 2, 3, 7, 15, 20, 22, 51, 230].map(niceMax)).toEqual([1, 1, 2, 3, 8, 20, 20, 30, 60, 300]);
  });

  it('splits seconds into hours and minutes', () => {
    expect(hoursMinutes(5_100)).toEqual({ hours: 1, minutes: 25 });
    expect(hoursMinutes(89)).toEqual({ hours: 0, minutes: 1 });
    expect(hoursMinutes(3_599)).toEqual({ hours: 1, minutes: 0 });
  });

  it('sorts topics weakest first and marks the weakest existing one when there are two to compare', () => {
    const topic = (id: string | null, accuracy: number, attempts = 1) => ({
      topic_id: id, name: id, attempts, correct: 0, partial: 0, accuracy,
    });
    const topics = [topic('a', 0.9), topic(null, 0.1), topic('b', 0.4, 2), topic('c', 0.4, 5)];
    expect(topicsByAccuracy(topics).map((t) => t.topic_id)).toEqual([null, 'c', 'b', 'a']);
    expect(weakestTopic(topics)?.topic_id).toBe('c');
    expect(weakestTopic([topic('a', 0.2), topic(null, 0.1)])).toBeUndefined();
  });
});

describe('times', () => {
  const now = new Date('2026-11-27T20:00:00Z'); // 23:00 in Moscow

  it('says a moment in the learner zone as today, tomorrow or a date', () => {
    expect(localMoment('2026-11-28T01:00:00Z', 'Europe/Moscow', 'ru', now)).toMatchObject({ day: 'tomorrow', time: '04:00' });
    expect(localMoment('2026-11-27T20:30:00Z', 'Europe/Moscow', 'ru', now)).toMatchObject({ day: 'today', time: '23:30' });
    expect(localMoment('2026-11-29T01:00:00Z', 'Europe/Moscow', 'ru', now)).toMatchObject({ day: 'later', date: '29 ноября' });
    // The same instant is still "today" in New York.
    expect(localMoment('2026-11-28T01:00:00Z', 'America/New_York', 'en', now)).toMatchObject({ day: 'today', time: '20:00' });
    expect(localMoment('nonsense', 'Europe/Moscow', 'ru', now)).toBeUndefined();
  });

  it('says how long ago', () => {
    expect(timeAgo('2026-11-27T19:59:30Z', 'ru', now)).toBe('сейчас');
    expect(timeAgo('2026-11-27T19:55:00Z', 'ru', now)).toBe('5 минут назад');
    expect(timeAgo('2026-11-27T17:00:00Z', 'ru', now)).toBe('3 часа назад');
    expect(timeAgo('2026-11-26T19:00:00Z', 'ru', now)).toBe('вчера');
    expect(timeAgo('2026-11-27T18:00:00Z', 'en', now)).toBe('2 hours ago');
  });
});
