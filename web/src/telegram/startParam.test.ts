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
    expect(startRoute('g_')).toBeNull();
    expect(startRoute('g_bad code!')).toBeNull();
  });

  it('open the invite of a group link', () => {
    expect(startRoute('g_abc123XY')).toBe('/groups/join?code=abc123XY');
    expect(startRoute('g_a-b_c')).toBe('/groups/join?code=a-b_c');
  });

  it('a group screen opened directly goes back to the groups', () => {
    expect(parentPath('/groups/join')).toBe('/groups');
    expect(parentPath('/groups/0190f3c2-7a1b-7c3d-8e4f-123456789abc')).toBe('/groups');
    expect(parentPath('/groups')).toBe('/');
  });

  it('an exercise session opened directly goes back to the topics', () => {
    expect(parentPath('/exercises/session')).toBe('/exercises');
    expect(parentPath('/exercises')).toBe('/');
  });
});
