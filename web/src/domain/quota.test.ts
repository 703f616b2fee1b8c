import { describe, expect, it } from 'vitest';
import { currentQuota, formatResetTime, quotaExhausted, quotaFromDetails, quotaLeft, quotaMax, quotaResetPassed } from './quota';

describe('quota', () => {
  const now = new Date(2026, 10, 27, 15, 30);
  const midnight = new Date(2026, 10, 28, 0, 0).toISOString();

  it('counts what is left; null max is unlimited', () => {
    expect(quotaLeft({ used: 3, max: 50, reset_at: midnight })).toBe(47);
    expect(quotaLeft({ used: 60, max: 50, reset_at: midnight })).toBe(0);
    expect(quotaLeft({ used: 3, max: null, reset_at: midnight })).toBeNull();
  });

  it('reads a max the contract lets be left out as unlimited', () => {
    expect(quotaMax({ used: 3, reset_at: midnight })).toBeNull();
    expect(quotaLeft({ used: 3, reset_at: midnight })).toBeNull();
    expect(quotaExhausted({ used: 50, reset_at: midnight }, now)).toBe(false);
  });

  it('is exhausted only while the reset is ahead', () => {
    expect(quotaExhausted({ used: 50, max: 50, reset_at: midnight }, now)).toBe(true);
    expect(quotaExhausted({ used: 49, max: 50, reset_at: midnight }, now)).toBe(false);
    expect(quotaExhausted({ used: 50, max: null, reset_at: midnight }, now)).toBe(false);
    expect(quotaExhausted({ used: 50, max: 50, reset_at: new Date(2026, 10, 27, 0, 0).toISOString() }, now)).toBe(false);
    expect(quotaExhausted(undefined, now)).toBe(false);
  });

  it('prefers a screen’s own quota only until its reset, then Me’s', () => {
    const yesterday = new Date(2026, 10, 27, 0, 0).toISOString();
    const own = { used: 50, max: 50, reset_at: midnight };
    const fromMe = { used: 0, max: 50, reset_at: new Date(2026, 10, 29, 0, 0).toISOString() };
    expect(currentQuota(own, fromMe, now)).toBe(own);
    expect(currentQuota(undefined, fromMe, now)).toBe(fromMe);
    const expired = { ...own, reset_at: yesterday };
    expect(quotaResetPassed(expired, now)).toBe(true);
    expect(quotaResetPassed(own, now)).toBe(false);
    expect(currentQuota(expired, fromMe, now)).toBe(fromMe);
    // Nothing better known: the old copy, which no longer blocks anything.
    expect(currentQuota(expired, undefined, now)).toBe(expired);
  });

  it('reads the quota of a 429', () => {
    expect(quotaFromDetails({ kind: 'messages', used: 50, max: 50, reset_at: midnight, retry_after: 100 })).toEqual({
      used: 50,
      max: 50,
      reset_at: midnight,
    });
    expect(quotaFromDetails({ kind: 'messages' })).toBeUndefined();
    expect(quotaFromDetails(undefined)).toBeUndefined();
  });

  it('shows the local reset time alone for tonight, with the date otherwise', () => {
    expect(formatResetTime(midnight, 'ru', now)).toBe('00:00');
    expect(formatResetTime(new Date(2026, 10, 27, 18, 5).toISOString(), 'ru', now)).toBe('18:05');
    expect(formatResetTime(new Date(2026, 10, 30, 0, 0).toISOString(), 'ru', now)).toMatch(/30 нояб.*00:00/);
    expect(formatResetTime('not a date', 'ru', now)).toBe('not a date');
  });
});
