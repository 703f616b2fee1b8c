import type { ReactElement } from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Deck } from '../api/types';
import { deck, errorBody, me, limits, page, stubFetch, topic } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import {
  deckMaterial,
  groupDetail,
  groupProgress,
  groupSummary,
  invite,
  invitePreview,
  member,
  studentProgress,
  topicMaterial,
  TEACHER_SEES,
} from '../groups/testData';
import { GroupCreateScreen } from './GroupCreateScreen';
import { GroupJoinScreen } from './GroupJoinScreen';
import { GroupScreen } from './GroupScreen';
import { GroupsScreen } from './GroupsScreen';

type Routes = Parameters<typeof stubFetch>[0];

function render(element: ReactElement, routes: Routes, path: string, route: string, lang: 'ru' | 'en' = 'ru') {
  const server = stubFetch({ 'GET /api/me': () => ({ body: me() }), ...routes });
  const view = renderScreen(element, { fetchFn: server.fetchFn, path, route, lang });
  return { server, ...view };
}

const calls = (server: ReturnType<typeof stubFetch>, method: string, path: string) =>
  server.requests.filter((r) => r.method === method && r.path === path);

describe('GroupsScreen', () => {
  it('splits my groups by role, with language, members of max, and archived ones apart', async () => {
    render(
      <GroupsScreen />,
      {
        'GET /api/groups': () => ({
          body: page([
            groupSummary(),
            groupSummary({ id: 'g-2', name: 'English club', language: 'en', role: 'student', is_owner: false, owner: { user_id: 'u9', first_name: 'Мария', username: null }, member_count: 12, max_members: 20 }),
            groupSummary({ id: 'g-3', name: 'Старая группа', archived_at: '2026-10-01T00:00:00Z' }),
          ]),
        }),
      },
      '/groups',
      '/groups',
    );
    const teaching = await screen.findByTestId('groups-teaching');
    expect(within(teaching).getByRole('link', { name: 'Немецкий B1' })).toHaveAttribute('href', '/groups/g-1');
    expect(within(teaching).getByText('Немецкий')).toBeInTheDocument();
    expect(within(teaching).getByTestId('group-members')).toHaveTextContent('Участники: 3 из 5');
    const learning = screen.getByTestId('groups-learning');
    expect(within(learning).getByText('English club')).toBeInTheDocument();
    expect(within(learning).getByText('Преподаватель: Мария')).toBeInTheDocument();
    expect(within(learning).getByTestId('group-members')).toHaveTextContent('Участники: 12 из 20');
    const archived = screen.getByTestId('groups-archived');
    expect(within(archived).getByText('Старая группа')).toBeInTheDocument();
    expect(within(archived).getByText('в архиве')).toBeInTheDocument();
    expect(screen.getByTestId('groups-limit')).toHaveTextContent('Ваши группы: 0 из 1');
    expect(screen.getByTestId('groups-create')).toHaveAttribute('href', '/groups/new');
  });

  it('offers an upgrade instead of "create" when the plan has no group left', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ limits: limits({ groups: { used: 1, max: 1 } }) }) }),
      'GET /api/groups': () => ({ body: page([groupSummary()]) }),
    });
    renderScreen(<GroupsScreen />, { fetchFn: server.fetchFn, path: '/groups', route: '/groups' });
    expect(await screen.findByTestId('groups-upgrade')).toHaveAttribute('href', '/profile/plan');
    expect(screen.queryByTestId('groups-create')).toBeNull();
  });

  it('with no group offers to create one or to join by a code', async () => {
    const { router } = render(<GroupsScreen />, { 'GET /api/groups': () => ({ body: page([]) }) }, '/groups', '/groups');
    expect(await screen.findByText(/Вы пока не состоите ни в одной группе/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Создать группу' })).toHaveAttribute('href', '/groups/new');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Вступить по коду' }));
    expect(screen.getByText('Введите код приглашения от преподавателя.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Код или ссылка приглашения'), 'bad code!');
    await user.click(screen.getByRole('button', { name: 'Вступить по коду' }));
    expect(screen.getByText(/Это не код приглашения/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Код или ссылка приглашения'));
    await user.type(screen.getByLabelText('Код или ссылка приглашения'), 'https://t.me/bot/app?startapp=g_Ab12Cd34');
    await user.click(screen.getByRole('button', { name: 'Вступить по коду' }));
    expect(router.state.location.pathname).toBe('/groups/join');
    expect(router.state.location.search).toBe('?code=Ab12Cd34');
  });

  it('shows an error with retry', async () => {
    let fail = true;
    render(
      <GroupsScreen />,
      { 'GET /api/groups': () => (fail ? { status: 500, body: errorBody('INTERNAL_ERROR') } : { body: page([]) }) },
      '/groups',
      '/groups',
    );
    const retry = await screen.findByRole('button', { name: 'Повторить' }, { timeout: 5000 });
    fail = false;
    await userEvent.setup().click(retry);
    expect(await screen.findByText(/Вы пока не состоите/)).toBeInTheDocument();
  });
});

describe('GroupCreateScreen', () => {
  const routes: Routes = {
    'GET /api/profiles': () => ({ body: page([{ id: 'p-en', language: 'en', current_level: 'A2', target_level: 'B2', goals: [], interface_language: 'ru', is_active: true, new_cards_per_day: 20, desired_retention: 0.9, created_at: '', updated_at: '' }]) }),
    'GET /api/billing/plans': () => ({
      body: {
        plans: [],
        current: { plan: 'free', premium_until: null, trial_available: true, trial_days: 7 },
        limits: {
          free: { profiles: 1, cards: 500, daily_messages: 20, daily_voice: 5, daily_exercises: 10, groups: 1, group_members: 5 },
          premium: { profiles: 10, cards: null, daily_messages: 200, daily_voice: 50, daily_exercises: 100, groups: 20, group_members: 100 },
        },
      },
    }),
  };

  it('creates a group in the active language and opens it', async () => {
    const { server, router } = render(
      <GroupCreateScreen />,
      { ...routes, 'POST /api/groups': (r) => ({ status: 201, body: groupDetail({ id: 'g-new', ...(r.body as object) }) }) },
      '/groups/new',
      '/groups/new',
    );
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('group-language')).toHaveTextContent('Английский'));
    expect(await screen.findByText('От 2 до 5 на вашем тарифе. Пусто — максимум тарифа.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Создать группу' }));
    expect(screen.getByText('Введите название')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Название *'), 'Вечерняя группа');
    await user.type(screen.getByLabelText('Участников не больше (вместе с вами)'), '6');
    await user.click(screen.getByRole('button', { name: 'Создать группу' }));
    expect(screen.getByText('Число от 2 до 5')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Участников не больше (вместе с вами)'));
    await user.type(screen.getByLabelText('Участников не больше (вместе с вами)'), '4');
    await user.click(screen.getByRole('button', { name: 'Другой язык' }));
    await user.click(screen.getAllByRole('button', { name: 'Немецкий' })[0] as HTMLElement);
    expect(screen.getByTestId('group-language')).toHaveTextContent('Немецкий');
    await user.click(screen.getByRole('button', { name: 'Создать группу' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups/g-new'));
    expect(calls(server, 'POST', '/api/groups')[0]?.body).toEqual({ name: 'Вечерняя группа', language: 'de', max_members: 4 });
  });

  it('says the plan limit with a link to upgrade', async () => {
    render(
      <GroupCreateScreen />,
      {
        ...routes,
        'POST /api/groups': () => ({ status: 402, body: errorBody('LIMIT_REACHED', 'limit', { limit: 'groups', used: 1, max: 1, upgrade: true }) }),
      },
      '/groups/new',
      '/groups/new',
    );
    const user = userEvent.setup();
    await screen.findByTestId('group-language');
    await user.type(screen.getByLabelText('Название *'), 'Вторая');
    await user.click(screen.getByRole('button', { name: 'Создать группу' }));
    const error = await screen.findByTestId('group-create-error');
    expect(error).toHaveTextContent('На вашем тарифе можно вести не больше 1 группы.');
    expect(within(error).getByRole('link', { name: 'Расширить тариф' })).toHaveAttribute('href', '/profile/plan');
  });
});

describe('GroupJoinScreen', () => {
  it('shows the invite with what the teacher sees, then joins and opens the group', async () => {
    const { server, router } = render(
      <GroupJoinScreen />,
      {
        'GET /api/groups/invites/Ab12Cd34': () => ({ body: invitePreview() }),
        'POST /api/groups/join': () => ({ body: groupDetail({ role: 'student', is_owner: false }) }),
      },
      '/groups/join?code=Ab12Cd34',
      '/groups/join',
    );
    const preview = await screen.findByTestId('invite-preview');
    expect(within(preview).getByText('Немецкий B1')).toBeInTheDocument();
    expect(within(preview).getByText('Преподаватель: Анна (@anna)')).toBeInTheDocument();
    expect(within(preview).getByTestId('preview-members')).toHaveTextContent('Участники: 3 из 5');
    expect(within(preview).getByTestId('preview-teacher-sees')).toHaveTextContent(TEACHER_SEES[0] ?? '');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Вступить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups/g-1'));
    expect(calls(server, 'POST', '/api/groups/join')[0]?.body).toEqual({ code: 'Ab12Cd34' });
  });

  it.each([
    ['INVITE_EXPIRED', 400, 'Срок приглашения истёк'],
    ['GROUP_NOT_FOUND', 404, 'Приглашение не найдено'],
  ])('says %s clearly', async (code, status, text) => {
    render(
      <GroupJoinScreen />,
      { 'GET /api/groups/invites/Ab12Cd34': () => ({ status, body: errorBody(code) }) },
      '/groups/join?code=g_Ab12Cd34',
      '/groups/join',
    );
    expect(await screen.findByTestId('join-problem')).toHaveTextContent(text);
    expect(screen.getByRole('link', { name: 'К моим группам' })).toHaveAttribute('href', '/groups');
  });

  it('opens the group for a member already in it', async () => {
    const { router } = render(
      <GroupJoinScreen />,
      { 'GET /api/groups/invites/Ab12Cd34': () => ({ body: invitePreview({ already_member: true }) }) },
      '/groups/join?code=Ab12Cd34',
      '/groups/join',
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups/g-1'));
  });

  it('says a full group is full when joining', async () => {
    render(
      <GroupJoinScreen />,
      {
        'GET /api/groups/invites/Ab12Cd34': () => ({ body: invitePreview() }),
        'POST /api/groups/join': () => ({ status: 402, body: errorBody('LIMIT_REACHED', 'full', { limit: 'group_members', max: 5 }) }),
      },
      '/groups/join?code=Ab12Cd34',
      '/groups/join',
    );
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Вступить' }));
    expect(await screen.findByTestId('join-error')).toHaveTextContent('Группа заполнена');
    expect(screen.getByRole('button', { name: 'Вступить' })).toBeDisabled();
  });

  it('opens the group on 409 ALREADY_MEMBER', async () => {
    const { router } = render(
      <GroupJoinScreen />,
      {
        'GET /api/groups/invites/Ab12Cd34': () => ({ body: invitePreview() }),
        'POST /api/groups/join': () => ({ status: 409, body: errorBody('ALREADY_MEMBER') }),
      },
      '/groups/join?code=Ab12Cd34',
      '/groups/join',
    );
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Вступить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups/g-1'));
  });

  it('says a group already at its maximum is full before trying', async () => {
    render(
      <GroupJoinScreen />,
      { 'GET /api/groups/invites/Ab12Cd34': () => ({ body: invitePreview({ group: { ...invitePreview().group, member_count: 5 } }) }) },
      '/groups/join?code=Ab12Cd34',
      '/groups/join',
    );
    expect(await screen.findByTestId('join-error')).toHaveTextContent('Группа заполнена');
    expect(screen.getByRole('button', { name: 'Вступить' })).toBeDisabled();
  });
});

describe('GroupScreen: teacher', () => {
  const base: Routes = {
    'GET /api/groups/g-1': () => ({ body: groupDetail() }),
    'GET /api/groups/g-1/progress': (r) => ({
      body: groupProgress(
        r.query.period === 'month'
          ? [studentProgress({ reviews: 120 })]
          : [studentProgress(), studentProgress({ user_id: 'u3', first_name: 'Вера', last_name: null, reviews: 0, retention: null, accuracy: null, exercises: 0, due_backlog: 0, last_active_at: null })],
        r.query.period ?? 'week',
      ),
    }),
  };

  it('shows the progress per student and switches the period', async () => {
    const { server } = render(<GroupScreen />, base, '/groups/g-1', '/groups/:id');
    expect(await screen.findByRole('heading', { name: 'Немецкий B1' })).toBeInTheDocument();
    const boris = (await screen.findByText('Борис Петров')).closest('li') as HTMLElement;
    expect(within(boris).getByTestId('progress-reviews')).toHaveTextContent('42');
    expect(within(boris).getByTestId('progress-retention')).toHaveTextContent('86%');
    expect(within(boris).getByTestId('progress-backlog')).toHaveTextContent('7');
    expect(within(boris).getByTestId('progress-exercises')).toHaveTextContent('5');
    expect(within(boris).getByTestId('progress-accuracy')).toHaveTextContent('60%');
    const vera = screen.getByText('Вера').closest('li') as HTMLElement;
    expect(within(vera).getByTestId('progress-retention')).toHaveTextContent('—');
    expect(within(vera).getByTestId('progress-last-active')).toHaveTextContent('ещё не занимался');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Месяц' }));
    await waitFor(() => expect(screen.getAllByTestId('progress-reviews')[0]).toHaveTextContent('120'));
    expect(calls(server, 'GET', '/api/groups/g-1/progress').map((r) => r.query.period)).toEqual(['week', 'month']);
  });

  it('removes a student after a confirmation', async () => {
    let detail = groupDetail();
    const { server } = render(
      <GroupScreen />,
      {
        ...base,
        'GET /api/groups/g-1': () => ({ body: detail }),
        'DELETE /api/groups/g-1/members/u2': () => {
          detail = { ...detail, members: detail.members.filter((m) => m.user_id !== 'u2'), member_count: 2 };
          return { status: 204 };
        },
      },
      '/groups/g-1?tab=members',
      '/groups/:id',
    );
    const boris = (await screen.findByText('Борис Петров')).closest('li') as HTMLElement;
    const anna = screen.getByText('Анна').closest('li') as HTMLElement;
    expect(within(anna).getByText('владелец')).toBeInTheDocument();
    expect(within(anna).queryByRole('button', { name: 'Удалить' })).toBeNull();
    const user = userEvent.setup();
    await user.click(within(boris).getByRole('button', { name: 'Удалить' }));
    expect(within(boris).getByText(/Удалить Борис Петров из группы\?/)).toBeInTheDocument();
    await user.click(within(boris).getByRole('button', { name: 'Удалить' }));
    await waitFor(() => expect(screen.queryByText('Борис Петров')).toBeNull());
    expect(calls(server, 'DELETE', '/api/groups/g-1/members/u2')).toHaveLength(1);
  });

  it('creates an invite, copies its link and revokes it', async () => {
    let invites = [invite()];
    const { server } = render(
      <GroupScreen />,
      {
        ...base,
        'GET /api/groups/g-1/invites': () => ({ body: page(invites) }),
        'POST /api/groups/g-1/invites': () => {
          invites = [...invites, invite({ id: 'i-2', code: 'Zz99Yy88', app_link: 'https://t.me/b/app?startapp=g_Zz99Yy88', max_uses: null, uses: 0 })];
          return { status: 201, body: invites[1] };
        },
        'DELETE /api/groups/g-1/invites/i-1': () => {
          invites = invites.filter((i) => i.id !== 'i-1');
          return { status: 204 };
        },
      },
      '/groups/g-1?tab=invites',
      '/groups/:id',
    );
    // user-event puts a clipboard of its own in place.
    const user = userEvent.setup();
    const first = (await screen.findByText('https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34')).closest('li') as HTMLElement;
    expect(within(first).getByTestId('invite-uses')).toHaveTextContent('Вступили: 2 из 10');
    // Outside Telegram there is no share sheet: the link is copied.
    expect(within(first).queryByTestId('invite-share')).toBeNull();
    await user.click(within(first).getByRole('button', { name: 'Скопировать ссылку' }));
    expect(await navigator.clipboard.readText()).toBe('https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34');
    expect(await within(first).findByText('Ссылка скопирована')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Действует'), '30 дней');
    await user.click(screen.getByRole('button', { name: 'Создать приглашение' }));
    expect(await screen.findByText('https://t.me/b/app?startapp=g_Zz99Yy88')).toBeInTheDocument();
    expect(calls(server, 'POST', '/api/groups/g-1/invites')[0]?.body).toEqual({ expires_in_hours: 720 });

    await user.click(within(first).getByRole('button', { name: 'Отозвать' }));
    await waitFor(() => expect(screen.queryByText('https://t.me/lang_agent_bot/app?startapp=g_Ab12Cd34')).toBeNull());
  });

  it('shares one of my decks from the picker and unshares a topic', async () => {
    let materials = [topicMaterial()];
    const myDecks: Deck[] = [deck({ id: 'd-verbs', name: 'Глаголы', is_default: false }), deck()];
    const { server } = render(
      <GroupScreen />,
      {
        ...base,
        'GET /api/groups/g-1/materials': () => ({ body: page(materials) }),
        'GET /api/decks': () => ({ body: page(myDecks) }),
        'GET /api/topics': () => ({ body: page([topic({ id: 't-shared', name: 'Perfekt' })]) }),
        'POST /api/groups/g-1/materials': () => {
          materials = [deckMaterial({ deck: { id: 'd-verbs', name: 'Глаголы', description: null, card_count: 2, due_now: 0, new_available: 0 } }), ...materials];
          return { status: 201, body: materials[0] };
        },
        'DELETE /api/groups/g-1/materials/m-topic': () => {
          materials = materials.filter((m) => m.id !== 'm-topic');
          return { status: 204 };
        },
      },
      '/groups/g-1?tab=materials',
      '/groups/:id',
    );
    const user = userEvent.setup();
    await screen.findByText('Perfekt');
    await user.click(screen.getByRole('button', { name: '+ Поделиться колодой или темой' }));
    const picker = screen.getByTestId('material-picker');
    const verbs = (await within(picker).findByText('Глаголы')).closest('li') as HTMLElement;
    await user.click(within(verbs).getByRole('button', { name: 'Поделиться' }));
    await waitFor(() => expect(calls(server, 'POST', '/api/groups/g-1/materials')).toHaveLength(1));
    expect(calls(server, 'POST', '/api/groups/g-1/materials')[0]?.body).toEqual({ deck_id: 'd-verbs' });
    expect(await within(verbs).findByText('уже в группе')).toBeInTheDocument();
    await user.click(within(picker).getByRole('tab', { name: 'Мои темы' }));
    const perfekt = (await within(picker).findByText('Perfekt')).closest('li') as HTMLElement;
    expect(within(perfekt).getByText('уже в группе')).toBeInTheDocument();
    await user.click(within(picker).getByRole('button', { name: 'Закрыть' }));

    const list = screen.getByTestId('group-materials');
    const topicRow = within(list).getByText('Perfekt').closest('li') as HTMLElement;
    await user.click(within(topicRow).getByRole('button', { name: 'Убрать из группы' }));
    await waitFor(() => expect(within(list).queryByText('Perfekt')).toBeNull());
    expect(within(list).getByText('2 карточки')).toBeInTheDocument();
  });

  it('archives the group after a confirmation', async () => {
    const { server, router } = render(
      <GroupScreen />,
      { ...base, 'DELETE /api/groups/g-1': () => ({ status: 204 }) },
      '/groups/g-1?tab=settings',
      '/groups/:id',
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Архивировать группу' }));
    expect(screen.getByText(/Приглашения перестанут работать/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Архивировать группу' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups'));
    expect(calls(server, 'DELETE', '/api/groups/g-1')).toHaveLength(1);
  });

  it('edits only what changed', async () => {
    const { server } = render(
      <GroupScreen />,
      { ...base, 'PATCH /api/groups/g-1': (r) => ({ body: groupDetail(r.body as object) }) },
      '/groups/g-1?tab=settings',
      '/groups/:id',
    );
    const user = userEvent.setup();
    const name = await screen.findByLabelText('Название *');
    await user.clear(name);
    await user.type(name, 'Немецкий B2');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('✓ Сохранено')).toBeInTheDocument();
    expect(calls(server, 'PATCH', '/api/groups/g-1')[0]?.body).toEqual({ name: 'Немецкий B2' });
  });

  it('says a group that is gone is gone', async () => {
    render(<GroupScreen />, { 'GET /api/groups/g-x': () => ({ status: 404, body: errorBody('GROUP_NOT_FOUND') }) }, '/groups/g-x', '/groups/:id');
    expect(await screen.findByTestId('group-not-found')).toHaveTextContent('Группа не найдена');
  });
});

describe('GroupScreen: student', () => {
  const student = groupDetail({
    role: 'student',
    is_owner: false,
    member_count: 3,
    members: [member({ user_id: 'u1', first_name: 'Анна', last_name: null, username: 'anna', role: 'teacher' })],
  });

  it('shows the teachers, what they see, and the materials to study, copy and practise', async () => {
    const { server } = render(
      <GroupScreen />,
      {
        'GET /api/groups/g-1': () => ({ body: student }),
        'GET /api/groups/g-1/materials': () => ({ body: page([topicMaterial(), deckMaterial()]) }),
        'POST /api/groups/g-1/materials/m-deck/copy': () => ({ status: 201, body: deck({ id: 'd-copy', name: 'Глаголы', is_default: false }) }),
      },
      '/groups/g-1',
      '/groups/:id',
    );
    expect(await screen.findByTestId('group-teachers')).toHaveTextContent('Анна @anna');
    expect(screen.getByTestId('group-teacher-sees')).toHaveTextContent(TEACHER_SEES[1] ?? '');
    expect(screen.queryByRole('tab')).toBeNull();
    const deckRow = (await screen.findByText('Глаголы')).closest('li') as HTMLElement;
    expect(within(deckRow).getByTestId('material-counts')).toHaveTextContent('21 карточка · К повторению: 3 · новых: 5');
    expect(within(deckRow).getByRole('link', { name: 'Учить' })).toHaveAttribute('href', '/study?deck=d-shared&group=g-1');
    const user = userEvent.setup();
    await user.click(within(deckRow).getByRole('button', { name: 'Скопировать в мои колоды' }));
    expect(await within(deckRow).findByTestId('material-copied')).toHaveTextContent('Колода «Глаголы» теперь есть и у вас.');
    expect(within(deckRow).getByRole('link', { name: 'Открыть' })).toHaveAttribute('href', '/cards/d-copy');
    expect(calls(server, 'POST', '/api/groups/g-1/materials/m-deck/copy')[0]?.body).toEqual({});
    const topicRow = screen.getByText('Perfekt').closest('li') as HTMLElement;
    expect(within(topicRow).getByRole('link', { name: 'Практиковать' })).toHaveAttribute(
      'href',
      '/exercises/session?topic=t-shared&group=g-1',
    );
  });

  it('leaves the group after a confirmation', async () => {
    const { server, router } = render(
      <GroupScreen />,
      {
        'GET /api/groups/g-1': () => ({ body: student }),
        'GET /api/groups/g-1/materials': () => ({ body: page([]) }),
        'POST /api/groups/g-1/leave': () => ({ status: 204 }),
      },
      '/groups/g-1',
      '/groups/:id',
    );
    expect(await screen.findByText('Преподаватель пока ничем не поделился.')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Покинуть группу' }));
    expect(screen.getByText(/Покинуть группу «Немецкий B1»\?/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Покинуть группу' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/groups'));
    expect(calls(server, 'POST', '/api/groups/g-1/leave')).toHaveLength(1);
  });
});

describe('a shared topic in the exercise session', () => {
  it('is found through the group when it is not one of mine', async () => {
    const { ExerciseSessionScreen } = await import('./ExerciseSessionScreen');
    const { server } = render(
      <ExerciseSessionScreen />,
      {
        'GET /api/topics': () => ({ body: page([topic()]) }),
        'GET /api/groups/g-1/materials': () => ({ body: page([topicMaterial()]) }),
      },
      '/exercises/session?topic=t-shared&group=g-1',
      '/exercises/session',
    );
    expect(await screen.findByText('Perfekt')).toBeInTheDocument();
    expect(screen.getByText('Прошедшее время')).toBeInTheDocument();
    expect(screen.queryByTestId('exercise-no-topic')).toBeNull();
    expect(calls(server, 'GET', '/api/groups/g-1/materials')).toHaveLength(1);
  });
});
