import { describe, expect, it } from 'vitest';
import { formatDuration, formatInterval } from './intervals';

describe('formatInterval', () => {
  it('labels intervals as Anki does', () => {
    expect(formatInterval(0)).toBe('<1m');
    expect(formatInterval(59)).toBe('<1m');
    expect(formatInterval(60)).toBe('1m');
    expect(formatInterval(300)).toBe('5m');
    expect(formatInterval(330)).toBe('6m');
    expect(formatInterval(600)).toBe('10m');
    expect(formatInterval(3600)).toBe('1h');
    expect(formatInterval(5400)).toBe('1.5h');
    expect(formatInterval(86_400)).toBe('1d');
    expect(formatInterval(3 * 86_400)).toBe('3d');
    expect(formatInterval(29 * 86_400)).toBe('29d');
    expect(formatInterval(45 * 86_400)).toBe('1.5mo');
    expect(formatInterval(60 * 86_400)).toBe('2mo');
    expect(formatInterval(730 * 86_400)).toBe('2y');
    expect(formatInterval(36_500 * 86_400)).toBe('100y');
  });

  it('uses Russian units and a decimal comma in Russian', () => {
    expect(formatInterval(30, 'ru')).toBe('<1 мин');
    expect(formatInterval(600, 'ru')).toBe('10 мин');
    expect(formatInterval(3 * 86_400, 'ru')).toBe('3 д');
    expect(formatInterval(45 * 86_400, 'ru')).toBe('1,5 мес');
    expect(formatInterval(730 * 86_400, 'ru')).toBe('2 г');
  });

  it('never shows a negative interval', () => {
    expect(formatInterval(-5)).toBe('<1m');
  });
});

describe('formatDuration', () => {
  it('shows minutes and seconds, hours and minutes', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(180_000, 'ru')).toBe('3 мин');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });
});
