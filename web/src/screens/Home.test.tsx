import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deck, limits, notification, notificationPage, olderServerMe, page, stubFetch, me, profile, quota, streak } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { Home } from './Home';

const english = profile();
const german = profile({ id: 'p-de', language: 'de', current_level: 'B1', target_level: 'C1', goals: ['culture'], is_active: false });

function queue(counts: { new: number; learning: number; due: number }) {
  return { cards: [], counts, day: { date: '2026-11-27', ends_at: '2026-11-28T01:00:00Z' }, rating_buttons: 3 };
}

describe('Home', () => {
  it('shows the user, plan, limit and the active profile from the API', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: { data: [english], pagination: { limit: 50, offset: 0, total: 1, has_more: false } } }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });

    expect(await screen.findByRole('heading', { name: 'Привет, Анна!' })).toBeInTheDocument();
    expect(screen.getByTestId('plan')).toHaveTextContent('Бесплатный тариф');
    expect(screen.getByTestId('profiles-limit')).toHaveTextContent('Языки: 1 из 1');
    const active = screen.getByRole('region', { name: 'Сейчас изучаете' });
    expect(within(active).getByRole('heading', { name: 'Английский' })).toBeInTheDocument();
    expect(active).toHaveTextContent('Уровень A2 → цель B2');
    expect(active).toHaveTextContent('Путешествия');
    expect(active).toHaveTextContent('Работа');
    expect(screen.getByRole('link', { name: 'Профиль и настройки' })).toHaveAttribute('href', '/profile');
  });

  it('switches the active profile', async () => {
    let activeId = 'p-en';
    const server = stubFetch({
      'GET /api/me': () => ({
        body: me({
          active_profile_id: activeId,
          plan: { name: 'premium', premium_until: '2030-01-01T00:00:00Z', trial_available: false, trial_days: 7 },
          limits: limits({ profiles: { used: 2, max: 10 } }),
        }),
      }),
      'GET /api/profiles': () => ({
        body: [
          { ...english, is_active: activeId === 'p-en' },
          { ...german, is_active: activeId === 'p-de' },
        ],
      }),
      'POST /api/profiles/p-de/activate': () => {
        activeId = 'p-de';
        return { body: { ...german, is_active: true } };
      },
    });
    const user = userEvent.setup();
    renderScreen(<Home />, { fetchFn: server.fetchFn });

    expect(await screen.findByTestId('plan')).toHaveTextContent('Premium до');
    expect(screen.getByTestId('profiles-limit')).toHaveTextContent('Языки: 2 из 10');
    await user.click(screen.getByRole('button', { name: /Немецкий/ }));

    const active = screen.getByRole('region', { name: 'Сейчас изучаете' });
    await waitFor(() => expect(within(active).getByRole('heading')).toHaveTextContent('Немецкий'));
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/api/profiles/p-de/activate')).toBe(true);
    expect(screen.getByRole('button', { name: /Немецкий/ })).toHaveAttribute('aria-pressed', 'true');
  });

  it('sends a user without profiles to onboarding', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ active_profile_id: null, limits: limits({ profiles: { used: 0, max: 1 } }) }) }),
      'GET /api/profiles': () => ({ body: [] }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
  });

  it('shows an error with retry when loading fails', async () => {
    let fail = true;
    const server = stubFetch({
      'GET /api/me': () =>
        fail
          ? { status: 500, body: { error: { code: 'INTERNAL', message: 'boom', request_id: 'r-1' } } }
          : { body: me() },
      'GET /api/profiles': () => ({ body: [english] }),
    });
    const user = userEvent.setup();
    renderScreen(<Home />, { fetchFn: server.fetchFn });

    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    // Not the server's English message: a sentence in the interface language, and the request id.
    expect(alert).toHaveTextContent('На сервере произошла ошибка.');
    expect(alert).not.toHaveTextContent('boom');
    expect(alert).toHaveTextContent('r-1');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('heading', { name: 'Привет, Анна!' })).toBeInTheDocument();
  });

  it('offers Study with today’s total over the active profile, and Cards', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/decks': () => ({ body: page([deck()]) }),
      'GET /api/study/queue': (request) => {
        expect(request.query.limit).toBe('1');
        return { body: queue({ new: 6, learning: 1, due: 2 }) };
      },
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByRole('link', { name: 'Учить · 9' })).toHaveAttribute('href', '/study');
    expect(screen.getByTestId('study-total')).toHaveTextContent('Карточек на сегодня: 9');
    expect(screen.getByRole('link', { name: 'Карточки и колоды' })).toHaveAttribute('href', '/cards');
  });

  it('disables Study when nothing is due today', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/decks': () => ({ body: page([deck()]) }),
      'GET /api/study/queue': () => ({ body: queue({ new: 0, learning: 0, due: 0 }) }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByTestId('study-total')).toHaveTextContent('На сегодня всё: карточек к повторению нет');
    expect(screen.getByRole('button', { name: 'Учить' })).toBeDisabled();
  });

  it('offers the tutor and shows today’s AI quotas: used of max, unlimited, and the reset time', async () => {
    const resetAt = new Date(new Date().setHours(24, 0, 0, 0)).toISOString();
    const server = stubFetch({
      'GET /api/me': () => ({
        body: me({
          limits: limits({
            messages: quota({ used: 3, max: 50, reset_at: resetAt }),
            card_generation: quota({ used: 5, max: null, reset_at: resetAt }),
          }),
        }),
      }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/study/queue': () => ({ body: queue({ new: 0, learning: 0, due: 0 }) }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByRole('link', { name: 'Спросить репетитора' })).toHaveAttribute('href', '/chat');
    const quotas = screen.getByRole('region', { name: 'Лимиты ИИ на сегодня' });
    expect(within(quotas).getByTestId('quota-messages')).toHaveTextContent('Сообщения репетитору3 из 50');
    expect(within(quotas).getByTestId('quota-generation')).toHaveTextContent('Генерация карточекбез ограничений');
    expect(within(quotas).getByTestId('quota-reset')).toHaveTextContent('Обновление: 00:00');
  });

  it('offers Exercises and shows their quota with the others', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ limits: limits({ exercises: quota({ used: 4, max: 30 }) }) }) }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/study/queue': () => ({ body: queue({ new: 0, learning: 0, due: 0 }) }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByRole('link', { name: 'Упражнения' })).toHaveAttribute('href', '/exercises');
    const quotas = screen.getByRole('region', { name: 'Лимиты ИИ на сегодня' });
    expect(within(quotas).getByTestId('quota-exercises')).toHaveTextContent('Упражнения4 из 30');
  });

  it('shows the tutor disabled with the reason when the server has no LLM', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ features: { llm: false, speech: false } }) }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/study/queue': () => ({ body: queue({ new: 0, learning: 0, due: 0 }) }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    const tutor = await screen.findByTestId('tutor-action');
    expect(tutor.tagName).toBe('BUTTON');
    expect(tutor).toBeDisabled();
    expect(tutor).toHaveTextContent('Спросить репетитора');
    expect(screen.queryByRole('link', { name: 'Спросить репетитора' })).toBeNull();
    expect(screen.getByTestId('tutor-unavailable')).toHaveTextContent('ИИ не настроен на этом сервере');
    expect(tutor).toHaveAccessibleDescription(/ИИ не настроен на этом сервере/);
    expect(screen.queryByTestId('llm-quotas')).toBeNull();
  });

  it.each([
    ['has no features (an older server)', olderServerMe()],
    ['says the LLM is there', me({ features: { llm: true, speech: true } })],
  ])('offers the tutor when Me %s', async (_case, body) => {
    const server = stubFetch({
      'GET /api/me': () => ({ body }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/study/queue': () => ({ body: queue({ new: 0, learning: 0, due: 0 }) }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByRole('link', { name: 'Спросить репетитора' })).toHaveAttribute('href', '/chat');
    expect(screen.queryByTestId('tutor-unavailable')).toBeNull();
  });

  it('leaves the quotas out for a server without LLM limits', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: olderServerMe() }),
      'GET /api/profiles': () => ({ body: [english] }),
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    expect(await screen.findByRole('heading', { name: 'Привет, Анна!' })).toBeInTheDocument();
    expect(screen.queryByTestId('llm-quotas')).toBeNull();
  });
});

describe('Home: streak and notifications', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function renderHome(routes: Parameters<typeof stubFetch>[0]) {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me() }),
      'GET /api/profiles': () => ({ body: [english] }),
      'GET /api/study/queue': () => ({ body: queue({ new: 2, learning: 0, due: 3 }) }),
      ...routes,
    });
    renderScreen(<Home />, { fetchFn: server.fetchFn });
    return server;
  }

  it('shows the streak with the time to study by in the learner zone, linking to the stats', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T20:00:00Z'));
    renderHome({ 'GET /api/stats/streak': () => ({ body: streak({ current: 3 }) }) });
    const chip = await screen.findByTestId('streak-chip');
    expect(chip).toHaveTextContent('3 дня');
    expect(chip).toHaveTextContent('до 04:00 завтра');
    expect(chip).toHaveAttribute('href', '/stats');
    expect(chip).toHaveAccessibleName('Серия: 3 дня · до 04:00 завтра. Открыть статистику');
    expect(await screen.findByTestId('stats-action')).toHaveAttribute('href', '/stats');
  });

  it('says when today is done', async () => {
    renderHome({ 'GET /api/stats/streak': () => ({ body: streak({ current: 21, today_done: true }) }) });
    const chip = await screen.findByTestId('streak-chip');
    expect(chip).toHaveTextContent('21 день');
    expect(chip).toHaveTextContent('сегодня засчитано');
  });

  it('invites to start a streak when there is none', async () => {
    renderHome({ 'GET /api/stats/streak': () => ({ body: streak({ current: 0, safe_until: null }) }) });
    expect(await screen.findByTestId('streak-chip')).toHaveTextContent('Начните серию сегодня');
  });

  it('leaves the streak out quietly when it cannot be loaded', async () => {
    const server = renderHome({});
    await screen.findByTestId('study-action');
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/stats/streak')).toBe(true));
    expect(screen.queryByTestId('streak-chip')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('has the bell with the unread count', async () => {
    renderHome({ 'GET /api/notifications': () => ({ body: notificationPage([notification()]) }) });
    expect(await screen.findByRole('button', { name: 'Уведомления: 1 непрочитанное' })).toBeInTheDocument();
  });
});
