import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorBody, limits, stubFetch, me, profile } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { ProfileEditScreen } from './ProfileEditScreen';
import { ProfileScreen } from './ProfileScreen';

describe('ProfileScreen', () => {
  it('lists profiles and saves changed settings with PATCH /api/me', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ limits: limits({ profiles: { used: 1, max: 10 } }) }) }),
      'GET /api/profiles': () => ({ body: [profile()] }),
      'PATCH /api/me': (r) => ({ body: me({ user: { ...me().user, ...(r.body as object) } }) }),
    });
    const user = userEvent.setup();
    renderScreen(<ProfileScreen />, { fetchFn: server.fetchFn, path: '/profile' });

    expect(await screen.findByText('Английский')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Изменить' })).toHaveAttribute('href', '/profile/edit/p-en');
    expect(screen.getByRole('link', { name: 'Добавить язык' })).toHaveAttribute('href', '/profile/new/language');

    const save = await screen.findByRole('button', { name: 'Сохранить' });
    expect(save).toBeDisabled();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Время напоминания' }), '8');
    await user.click(screen.getByRole('radio', { name: '4 кнопки' }));
    await user.click(save);

    await waitFor(() => expect(server.requests.some((r) => r.method === 'PATCH')).toBe(true));
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ reminder_hour: 8, rating_buttons: 4 });
    expect(await screen.findByText('Сохранено')).toBeInTheDocument();
  });

  it('explains the reminder and the rollover hour beside their settings', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [profile()] }),
    });
    renderScreen(<ProfileScreen />, { fetchFn: server.fetchFn, path: '/profile' });
    const reminders = await screen.findByRole('checkbox', { name: 'Напоминания о занятиях' });
    expect(reminders).toHaveAccessibleDescription(/бот напомнит о занятии в Telegram/);
    expect(screen.getByRole('combobox', { name: 'Время напоминания' })).toHaveValue('19');
    expect(screen.getByRole('combobox', { name: /Начало нового дня/ })).toHaveValue('4');
    expect(screen.getByText('Занятия до этого часа засчитываются в предыдущий день.')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Часовой пояс' })).toHaveValue('Europe/Moscow');
  });

  it('offers to add a language when there are none', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [] }),
    });
    renderScreen(<ProfileScreen />, { fetchFn: server.fetchFn, path: '/profile' });
    expect(await screen.findByText('У вас пока нет ни одного языка.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Добавить язык' })).toBeInTheDocument();
  });
});

describe('ProfileEditScreen', () => {
  function renderEditor(routes: Parameters<typeof stubFetch>[0]) {
    const server = stubFetch({ 'GET /api/me': () => ({ body: me() }), ...routes });
    renderScreen(<ProfileEditScreen />, {
      fetchFn: server.fetchFn,
      path: '/profile/edit/p-en',
      route: '/profile/edit/:id',
    });
    return server;
  }

  it('edits levels, cards per day and retention with PATCH /api/profiles/{id}', async () => {
    const server = renderEditor({
      'GET /api/profiles': () => ({ body: [profile()] }),
      'PATCH /api/profiles/p-en': (r) => ({ body: { ...profile(), ...(r.body as object) } }),
    });
    const user = userEvent.setup();

    const current = await screen.findByRole('combobox', { name: /Текущий уровень/ });
    expect(screen.getByRole('heading', { name: 'Английский' })).toBeInTheDocument();
    await user.selectOptions(current, 'C1');
    // The target followed the current level up, and lower targets are disabled.
    const target = screen.getByRole('combobox', { name: /Целевой уровень/ });
    expect(target).toHaveValue('C1');
    expect(within(target).getByRole('option', { name: 'B2' })).toBeDisabled();

    const cards = screen.getByRole('spinbutton', { name: /Новых карточек в день/ });
    await user.clear(cards);
    await user.type(cards, '900');
    expect(screen.getByText('Введите число в допустимом диапазоне.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Сохранить' })).toBeDisabled();
    await user.clear(cards);
    await user.type(cards, '35');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(server.requests.some((r) => r.method === 'PATCH')).toBe(true));
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      current_level: 'C1',
      target_level: 'C1',
      new_cards_per_day: 35,
    });
  });

  it('does not offer to delete the only language, and says why', async () => {
    renderEditor({ 'GET /api/profiles': () => ({ body: [profile()] }) });
    expect(await screen.findByTestId('only-language')).toHaveTextContent('Нельзя удалить единственный профиль');
    expect(screen.getByRole('button', { name: 'Удалить язык' })).toBeDisabled();
  });

  it('asks for confirmation before deleting and shows LAST_PROFILE', async () => {
    const server = renderEditor({
      // Two languages here, but the other one went meanwhile: the server's refusal is shown.
      'GET /api/profiles': () => ({ body: [profile(), profile({ id: 'p-de', language: 'de', is_active: false })] }),
      'DELETE /api/profiles/p-en': () => ({ status: 400, body: errorBody('LAST_PROFILE', 'last') }),
    });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Удалить язык' }));
    expect(server.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(screen.getByText(/Удалить Английский вместе со всеми карточками/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Да, удалить' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Нельзя удалить единственный профиль');
  });

  it('tells a learner at the plan limit before the wizard, with the way to the plan', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [profile()] }),
    });
    const user = userEvent.setup();
    renderScreen(<ProfileScreen />, { fetchFn: server.fetchFn, path: '/profile' });
    await user.click(await screen.findByRole('button', { name: 'Добавить язык' }));
    const notice = screen.getByTestId('profile-limit');
    expect(notice).toHaveTextContent('На бесплатном тарифе — 1 язык');
    expect(within(notice).getByRole('link', { name: 'Тариф и лимиты' })).toHaveAttribute('href', '/profile/plan');
  });
});
