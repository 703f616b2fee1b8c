// Contract-shaped groups for the tests (docs/groups-and-billing.md).
import type { GroupDetail, GroupMember, GroupProgress, GroupSummary, Invite, InvitePreview, Material, StudentProgress } from '../api/types';

export function groupSummary(overrides: Partial<GroupSummary> = {}): GroupSummary {
  return {
    id: 'g-1',
    name: 'Немецкий B1',
    description: 'Вечерняя группа',
    language: 'de',
    role: 'teacher',
    is_owner: true,
    owner: { user_id: 'u1', first_name: 'Анна', username: 'anna' },
    member_count: 3,
    max_members: 5,
    created_at: '2026-11-01T10:00:00Z',
    archived_at: null,
    ...overrides,
  };
}

export function member(overrides: Partial<GroupMember> = {}): GroupMember {
  return {
    user_id: 'u2',
    first_name: 'Борис',
    last_name: 'Петров',
    username: 'boris',
    role: 'student',
    joined_at: '2026-11-02T10:00:00Z',
    ...overrides,
  };
}

export const TEACHER_SEES = ['Число повторений и процент запоминания', 'Упражнения и их точность', 'Когда вы занимались последний раз'];

export function groupDetail(overrides: Partial<GroupDetail> = {}): GroupDetail {
  return {
    ...groupSummary(),
    members: [
      member({ user_id: 'u1', first_name: 'Анна', last_name: null, username: 'anna', role: 'teacher' }),
      member(),
      member({ user_id: 'u3', first_name: 'Вера', last_name: null, username: null }),
    ],
    teacher_sees: TEACHER_SEES,
    ...overrides,
  };
}

export function invite(overrides: Partial<Invite> = {}): Invite {
  return {
    id: 'i-1',
    code: 'Ab12Cd34',
    payload: 'g_Ab12Cd34',
    app_link: 'https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34',
    bot_link: 'https://t.me/lang_agent_bot?start=g_Ab12Cd34',
    expires_at: '2100-01-01T00:00:00Z',
    max_uses: 10,
    uses: 2,
    created_at: '2026-11-27T10:00:00Z',
    ...overrides,
  };
}

export function invitePreview(overrides: Partial<InvitePreview> = {}): InvitePreview {
  return {
    group: { id: 'g-1', name: 'Немецкий B1', description: 'Вечерняя группа', language: 'de', member_count: 3, max_members: 5 },
    teacher: { first_name: 'Анна', username: 'anna' },
    already_member: false,
    teacher_sees: TEACHER_SEES,
    ...overrides,
  };
}

export function deckMaterial(overrides: Partial<Material> = {}): Material {
  return {
    id: 'm-deck',
    kind: 'deck',
    shared_at: '2026-11-20T10:00:00Z',
    shared_by: { user_id: 'u1', first_name: 'Анна' },
    deck: { id: 'd-shared', name: 'Глаголы', description: null, card_count: 21, due_now: 3, new_available: 5 },
    ...overrides,
  };
}

export function topicMaterial(overrides: Partial<Material> = {}): Material {
  return {
    id: 'm-topic',
    kind: 'topic',
    shared_at: '2026-11-20T10:00:00Z',
    shared_by: { user_id: 'u1', first_name: 'Анна' },
    topic: { id: 't-shared', name: 'Perfekt', description: 'Прошедшее время', kind: 'grammar' },
    ...overrides,
  };
}

export function studentProgress(overrides: Partial<StudentProgress> = {}): StudentProgress {
  return {
    user_id: 'u2',
    first_name: 'Борис',
    last_name: 'Петров',
    username: 'boris',
    joined_at: '2026-11-02T10:00:00Z',
    reviews: 42,
    retention: 0.857,
    due_backlog: 7,
    exercises: 5,
    accuracy: 0.6,
    last_active_at: '2026-11-27T09:30:00Z',
    ...overrides,
  };
}

export function groupProgress(students: StudentProgress[], period = 'week'): GroupProgress {
  return { period, from: '2026-11-21T00:00:00Z', to: '2026-11-28T00:00:00Z', students };
}
