import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/i18n';
import { groupSummary, invite } from './testData';
import { inviteCodeOf, inviteLinkOf, inviteUsable, personName, splitGroups, telegramShareUrl, validateGroupForm } from './groups';

describe('groups helpers', () => {
  it('splits my groups into taught, learnt and archived', () => {
    const taught = groupSummary({ id: 'a' });
    const learnt = groupSummary({ id: 'b', role: 'student', is_owner: false });
    const old = groupSummary({ id: 'c', archived_at: '2026-11-01T00:00:00Z' });
    const oldLearnt = groupSummary({ id: 'd', role: 'student', archived_at: '2026-11-01T00:00:00Z' });
    const { teaching, learning, archived } = splitGroups([old, learnt, taught, oldLearnt]);
    expect(teaching.map((g) => g.id)).toEqual(['a']);
    expect(learning.map((g) => g.id)).toEqual(['b']);
    expect(archived.map((g) => g.id)).toEqual(['c', 'd']);
  });

  it('finds the invite code in a code, a payload or a pasted link', () => {
    expect(inviteCodeOf('  Ab12Cd34 ')).toBe('Ab12Cd34');
    expect(inviteCodeOf('g_Ab12Cd34')).toBe('Ab12Cd34');
    expect(inviteCodeOf('https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34')).toBe('Ab12Cd34');
    expect(inviteCodeOf('https://t.me/lang_agent_bot?start=g_Ab12Cd34')).toBe('Ab12Cd34');
    expect(inviteCodeOf('http://localhost:5173/groups/join?code=x-y_z')).toBe('x-y_z');
    expect(inviteCodeOf('')).toBeNull();
    expect(inviteCodeOf('not a code')).toBeNull();
    expect(inviteCodeOf('https://example.com/nothing')).toBeNull();
  });

  it('links to the Mini App, else the bot, else this app', () => {
    expect(inviteLinkOf(invite())).toBe('https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34');
    expect(inviteLinkOf(invite({ app_link: null }))).toBe('https://t.me/lang_agent_bot?start=g_Ab12Cd34');
    expect(inviteLinkOf(invite({ app_link: null, bot_link: null }), 'http://127.0.0.1:8000')).toBe(
      'http://127.0.0.1:8000/groups/join?code=Ab12Cd34',
    );
  });

  it('builds Telegram share links with the link and the message encoded', () => {
    expect(telegramShareUrl('https://t.me/bot/app?startapp=g_A', 'Вступайте в «A & B»')).toBe(
      'https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fbot%2Fapp%3Fstartapp%3Dg_A&text=%D0%92%D1%81%D1%82%D1%83%D0%BF%D0%B0%D0%B9%D1%82%D0%B5%20%D0%B2%20%C2%ABA%20%26%20B%C2%BB',
    );
  });

  it('treats used-up or expired invites as unusable', () => {
    const now = Date.parse('2026-11-28T00:00:00Z');
    expect(inviteUsable(invite(), now)).toBe(true);
    expect(inviteUsable(invite({ uses: 10 }), now)).toBe(false);
    expect(inviteUsable(invite({ expires_at: '2026-11-27T00:00:00Z' }), now)).toBe(false);
    expect(inviteUsable(invite({ max_uses: null, expires_at: null, uses: 500 }), now)).toBe(true);
  });

  it('names people by first and last name, else by username', () => {
    expect(personName({ first_name: 'Борис', last_name: 'Петров' })).toBe('Борис Петров');
    expect(personName({ first_name: '', last_name: null, username: 'vera' })).toBe('@vera');
  });

  it('checks the create form within the plan', () => {
    const ok = { name: 'Группа', description: '', language: 'de', maxMembers: '' };
    expect(validateGroupForm(ok, 5)).toEqual({});
    expect(validateGroupForm({ ...ok, name: '  ' }, 5).name).toBe('groups.form.nameRequired');
    expect(validateGroupForm({ ...ok, language: null }, 5).language).toBe('groups.form.languageRequired');
    expect(validateGroupForm({ ...ok, maxMembers: '6' }, 5).maxMembers).toBe('groups.form.maxMembersRange');
    expect(validateGroupForm({ ...ok, maxMembers: '1' }, null).maxMembers).toBe('groups.form.maxMembersRange');
    expect(validateGroupForm({ ...ok, maxMembers: '100' }, null)).toEqual({});
  });

  it('agrees the group nouns at 1, 2, 5 and 21', () => {
    const at = (lang: 'ru' | 'en', key: Parameters<ReturnType<typeof translator>>[0], name: string) =>
      [1, 2, 5, 21].map((n) => translator(lang)(key, { [name]: n }));
    expect(at('ru', 'groups.materials.cards', 'n')).toEqual(['1 карточка', '2 карточки', '5 карточек', '21 карточка']);
    expect(at('en', 'groups.materials.cards', 'n')).toEqual(['1 card', '2 cards', '5 cards', '21 cards']);
    expect(at('ru', 'groups.invites.days', 'n')).toEqual(['1 день', '2 дня', '5 дней', '21 день']);
    expect(at('ru', 'groups.limit.groups', 'max')).toEqual(
      ['1 группы', '2 групп', '5 групп', '21 группы'].map((n) => `На вашем тарифе можно вести не больше ${n}.`),
    );
    expect(at('ru', 'groups.limit.members', 'max')[2]).toBe('На вашем тарифе в группе может быть не больше 5 участников.');
    expect(at('en', 'groups.limit.members', 'max')[0]).toBe('Your plan allows at most 1 member in a group.');
  });
});
