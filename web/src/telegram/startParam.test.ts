import { describe, expect, it } from 'vitest';
import { parentPath } from './OutsideTelegramBack';
import { startRoute } from './startParam';

describe('startapp deep links', () => {
  it('open the study session, an exercise session or a card', () => {
    expect(startRoute('study')).toBe('/study');
    expect(startRoute('exercise')).toBe('/exercises/session');
    expect(startRoute('card_0190f3c2-7a1b-7c3d-8e4f-123456789abc')).toBe('/cards/card/0190f3c2-7a1b-7c3d-8e4f-123456789abc');
  });

  it('leave anything else to the normal start', () => {
    expect(startRoute(undefined)).toBeNull();
    expect(startRoute('')).toBeNull();
    expect(startRoute('card_../../etc')).toBeNull();
    expect(startRoute('g_abc123')).toBeNull();
  });

  it('an exercise session opened directly goes back to the topics', () => {
    expect(parentPath('/exercises/session')).toBe('/exercises');
    expect(parentPath('/exercises')).toBe('/');
  });
});
