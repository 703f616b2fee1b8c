import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stats } from '../api/types';
import { calendar, errorBody, limits, me, profile, stats, streak, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { StatsScreen } from './StatsScreen';

type Routes = Parameters<typeof stubFetch>[0];

function renderStats(routes: Routes = {}, options: { path?: string; lang?: 'ru' | 'en' } = {}) {
  const server = stubFetch({
    'GET /api/me': () => ({ body: me() }),
    'GET /api/profiles': () => ({ body: [profile()] }),
    'GET /api/stats/streak': () => ({ body: streak() }),
    'GET /api/stats/calendar': () => ({ body: calendar({ '2026-11-23': 15, '2026-11-25': 25, '2026-11-27': 6, '2026-09-07': 40 }) }),
    'GET /api/stats': (r) => ({ body: stats({ period: (r.query.period as Stats['period']) ?? 'week' }) }),
    ...routes,
  });
  const view = renderScreen(<StatsScreen />, { fetchFn: server.fetchFn, path: options.path ?? '/stats', route: '/stats', lang: options.lang });
  return { server, ...view };
}

beforeEach(() => {
  // 23:00 in Moscow (the learner's zone) on Friday 27 November 2026; only Date is faked.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-27T20:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('StatsScreen: streak', () => {
  it.each([
    [1, '1 день подряд', 'Рекорд: 1 день'],
    [3, '3 дня подряд', 'Рекорд: 3 дня'],
    [5, '5 дней подряд', 'Рекорд: 5 дней'],
    [11, '11 дней подряд', 'Рекорд: 11 дней'],
    [21, '21 день подряд', 'Рекорд: 21 день'],
    [22, '22 дня подряд', 'Рекорд: 22 дня'],
  ])('says %i days in Russian plurals', async (n, current, best) => {
    renderStats({ 'GET /api/stats/streak': () => ({ body: streak({ current: n, best: n }) }) });
    expect(await screen.findByTestId('streak-current')).toHaveTextContent(current);
    expect(screen.getByTestId('streak-best')).toHaveTextContent(best);
  });

  it('says when to study, in the learner zone, while today is open', async () => {
    renderStats();
    expect(await screen.findByTestId('streak-today')).toHaveTextContent('Сегодня ещё не занимались');
    // 01:00 UTC is 04:00 in Moscow, tomorrow.
    expect(screen.getByTestId('streak-advice')).toHaveTextContent('Чтобы не прервать серию, позанимайтесь до 04:00 завтра.');
    expect(screen.getByTestId('streak-active-days')).toHaveTextContent('Всего дней с занятиями: 12');
  });

  it('says today is done and how long the streak is safe', async () => {
    renderStats({
      'GET /api/stats/streak': () => ({ body: streak({ current: 4, today_done: true, safe_until: '2026-11-29T01:00:00Z' }) }),
    });
    expect(await screen.findByTestId('streak-today')).toHaveTextContent('Сегодня уже засчитано');
    expect(screen.getByTestId('streak-today')).toHaveAttribute('data-done', 'true');
    expect(screen.getByTestId('streak-advice')).toHaveTextContent('Серия в безопасности до 29 ноября, 04:00.');
  });

  it('encourages a new streak when it ended', async () => {
    renderStats({ 'GET /api/stats/streak': () => ({ body: streak({ current: 0, safe_until: null }) }) });
    expect(await screen.findByTestId('streak-current')).toHaveTextContent('0 дней подряд');
    expect(screen.getByTestId('streak-advice')).toHaveTextContent('Серия прервалась. Позанимайтесь сегодня — начнётся новая.');
    expect(screen.queryByTestId('streak-today')).toBeNull();
  });

  it('speaks English plurals too', async () => {
    renderStats({ 'GET /api/stats/streak': () => ({ body: streak({ current: 1, best: 2 }) }) }, { lang: 'en' });
    expect(await screen.findByTestId('streak-current')).toHaveTextContent('1 day in a row');
    expect(screen.getByTestId('streak-best')).toHaveTextContent('Best: 2 days');
    expect(screen.getByTestId('streak-advice')).toHaveTextContent('Study before 04:00 tomorrow to keep your streak.');
  });
});

describe('StatsScreen: calendar', () => {
  it('lays out 12 weeks in columns, Monday to Sunday in rows, each day named, today outlined', async () => {
    renderStats();
    const grid = await screen.findByTestId('heatmap');
    const days = within(grid).getAllByRole('img');
    // 11 full weeks and Monday to Friday of this one.
    expect(days).toHaveLength(82);
    const first = days[0] as HTMLElement;
    expect(first).toHaveAttribute('data-date', '2026-09-07');
    expect(first).toHaveAttribute('data-column', '0');
    expect(first).toHaveAttribute('data-row', '0');
    expect(first).toHaveStyle({ gridColumn: '1', gridRow: '1' });
    expect(first).toHaveAccessibleName('понедельник, 7 сентября: 40 действий');
    expect(first).toHaveAttribute('data-level', 'high');
    // The first column is one week, Monday first.
    const firstColumn = days.filter((d) => d.getAttribute('data-column') === '0').map((d) => d.getAttribute('data-date'));
    expect(firstColumn).toEqual(['2026-09-07', '2026-09-08', '2026-09-09', '2026-09-10', '2026-09-11', '2026-09-12', '2026-09-13']);
    const monday = within(grid).getByRole('img', { name: 'понедельник, 23 ноября: 15 действий' });
    expect(monday).toHaveAttribute('data-row', '0');
    expect(monday).toHaveAttribute('data-column', '11');
    expect(monday).toHaveAttribute('data-level', 'medium');
    expect(within(grid).getByRole('img', { name: 'вторник, 24 ноября: занятий нет' })).toHaveAttribute('data-level', 'none');
    const today = within(grid).getByRole('img', { name: 'пятница, 27 ноября: 6 действий (сегодня)' });
    expect(today).toHaveAttribute('aria-current', 'date');
    expect(today).toHaveClass('heat-today');
    expect(within(grid).getAllByRole('img').filter((d) => d.getAttribute('aria-current'))).toHaveLength(1);
    // Saturday and Sunday of this week are still to come.
    expect(grid.querySelectorAll('.heat-blank')).toHaveLength(2);
    expect(screen.getByRole('region', { name: 'Активность за 12 недель' })).toBeInTheDocument();
  });
});

describe('StatsScreen: the period', () => {
  it('charts reviews for every day of the week, zeros included, with labelled axes', async () => {
    renderStats();
    const chart = await screen.findByTestId('reviews-chart');
    expect(chart).toHaveAttribute('data-unit', 'day');
    const bars = [...chart.querySelectorAll('.chart-bar')];
    expect(bars.map((bar) => bar.getAttribute('data-date'))).toEqual([
      '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27',
    ]);
    expect(bars.map((bar) => Number(bar.getAttribute('data-value')))).toEqual([0, 0, 15, 0, 20, 0, 5]);
    expect(bars[4]).toHaveStyle({ height: '100%' });
    expect(bars[0]).toHaveClass('chart-bar-zero');
    expect(within(chart).getByText('Повторения по дням')).toBeInTheDocument();
    expect(within(chart).getByText('повторений')).toBeInTheDocument();
    expect(within(chart).getByText('дни')).toBeInTheDocument();
    expect(within(chart).getByTestId('chart-total')).toHaveTextContent('Всего 40 повторений');
    expect(within(chart).getByRole('img')).toHaveAccessibleName(
      'Повторения по дням (21 ноября 2026 г. — 27 ноября 2026 г.). Всего 40 повторений.',
    );
  });

  it('shows retention, time, ratings and cards by state', async () => {
    renderStats();
    expect(await screen.findByTestId('stats-retention')).toHaveTextContent('88%');
    expect(screen.getByTestId('stats-reviews')).toHaveTextContent('40');
    expect(screen.getByTestId('stats-time')).toHaveTextContent('1 ч 25 мин');
    expect(screen.getByTestId('stats-active-days')).toHaveTextContent('Дней с занятиями: 3');
    expect(screen.getByTestId('rating-counts')).toHaveTextContent('Не знаю 4Трудно 6Знаю 25Легко 5');
    const cards = screen.getByTestId('card-states');
    expect(within(cards).getByText('новая').closest('li')).toHaveTextContent('новая 10');
    expect(within(cards).getByText('повторение').closest('li')).toHaveTextContent('повторение 20');
    expect(cards).toHaveTextContent('Всего: 34');
  });

  it('lists exercise accuracy by topic, weakest first and marked, with a way to practise it', async () => {
    renderStats();
    const section = await screen.findByTestId('topic-accuracy');
    expect(within(section).getByTestId('exercises-total')).toHaveTextContent('Точность 67% · 9 попыток');
    const rows = within(section).getAllByRole('listitem');
    expect(rows.map((row) => row.querySelector('.accuracy-name')?.textContent)).toEqual(['Еда', 'тема удалена', 'Past Simple']);
    expect(rows[0]).toHaveAttribute('data-weakest', 'true');
    expect(within(rows[0] as HTMLElement).getByText('слабее всего')).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('Точность 50% · 3 попытки');
    expect(rows[1]).not.toHaveAttribute('data-weakest');
    expect(rows[2]).toHaveTextContent('Точность 80% · 5 попыток');
    expect(within(section).getByTestId('practise-weakest')).toHaveAttribute('href', '/exercises/session?topic=t-food');
  });

  it('switches the period, keeping it in the address', async () => {
    const { server, router } = renderStats();
    const user = userEvent.setup();
    await screen.findByTestId('period-stats');
    expect(screen.getByRole('button', { name: 'Неделя' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: 'Месяц' }));
    await waitFor(() => expect(screen.getByTestId('period-stats')).toHaveAttribute('data-period', 'month'));
    expect(screen.getByRole('button', { name: 'Месяц' })).toHaveAttribute('aria-pressed', 'true');
    expect(router.state.location.search).toBe('?period=month');
    expect(server.requests.filter((r) => r.path === '/api/stats').map((r) => r.query.period)).toEqual(['week', 'month']);
  });

  it('opens at the period in the address and groups a year by weeks', async () => {
    const { server } = renderStats(
      { 'GET /api/stats': () => ({ body: stats({ period: 'year', from: '2025-11-28', to: '2026-11-27' }) }) },
      { path: '/stats?period=year' },
    );
    const chart = await screen.findByTestId('reviews-chart');
    expect(chart).toHaveAttribute('data-unit', 'week');
    expect(within(chart).getByText('Повторения по неделям')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Год' })).toHaveAttribute('aria-pressed', 'true');
    expect(server.requests.find((r) => r.path === '/api/stats')?.query.period).toBe('year');
  });

  it('says when a period had no study and when no exercises were done', async () => {
    renderStats({
      'GET /api/stats': () => ({
        body: stats({
          days: [],
          reviews: { total: 0, again: 0, hard: 0, good: 0, easy: 0 },
          retention: null,
          time_spent_seconds: 0,
          exercises: { attempts: 0, correct: 0, partial: 0, accuracy: null, by_topic: [] },
        }),
      }),
    });
    expect(await screen.findByTestId('period-empty')).toHaveTextContent('За этот период занятий не было.');
    expect(screen.getByTestId('stats-retention')).toHaveTextContent('—');
    expect(screen.getByTestId('stats-time')).toHaveTextContent('0 мин');
    expect(screen.getByTestId('topic-accuracy')).toHaveTextContent('За этот период упражнений не было.');
    expect(screen.getByRole('link', { name: 'К упражнениям' })).toHaveAttribute('href', '/exercises');
    const bars = [...screen.getByTestId('reviews-chart').querySelectorAll('.chart-bar')];
    expect(bars).toHaveLength(7);
    expect(bars.every((bar) => bar.classList.contains('chart-bar-zero'))).toBe(true);
  });

  it('names the language when there are several', async () => {
    renderStats({
      'GET /api/profiles': () => ({ body: [profile(), profile({ id: 'p-de', language: 'de', is_active: false })] }),
    });
    expect(await screen.findByText(/по языку «Английский»/)).toBeInTheDocument();
  });
});

describe('StatsScreen: states', () => {
  it('shows skeletons while loading', async () => {
    renderStats({ 'GET /api/stats/streak': () => new Promise(() => {}) });
    expect(screen.getAllByRole('status', { name: 'Загрузка…' }).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('streak-card')).toBeNull();
  });

  it('shows an error with retry', async () => {
    let fail = true;
    renderStats({
      'GET /api/stats': () => (fail ? { status: 500, body: errorBody('INTERNAL_ERROR') } : { body: stats() }),
    });
    const user = userEvent.setup();
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert).toHaveTextContent('Что-то пошло не так');
    expect(screen.getByTestId('streak-card')).toBeInTheDocument();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByTestId('period-stats')).toBeInTheDocument();
  });

  it('suggests studying before there is any activity', async () => {
    renderStats({ 'GET /api/stats/streak': () => ({ body: streak({ current: 0, best: 0, active_days: 0, safe_until: null }) }) });
    const empty = await screen.findByTestId('stats-empty');
    expect(within(empty).getByRole('heading', { name: 'Статистика появится после первых занятий' })).toBeInTheDocument();
    expect(within(empty).getByTestId('stats-empty-action')).toHaveAttribute('href', '/study');
    expect(within(empty).getByRole('link', { name: 'Упражнения' })).toHaveAttribute('href', '/exercises');
    expect(screen.queryByTestId('heatmap')).toBeNull();
  });

  it('suggests adding words to a learner without cards', async () => {
    renderStats({
      'GET /api/me': () => ({ body: me({ limits: limits({ cards: { used: 0, max: 500 } }) }) }),
      'GET /api/stats/streak': () => ({ body: streak({ current: 0, best: 0, active_days: 0, safe_until: null }) }),
    });
    const action = await screen.findByTestId('stats-empty-action');
    await waitFor(() => expect(action).toHaveAttribute('href', '/cards'));
    expect(action).toHaveTextContent('Добавить слова');
  });
});
