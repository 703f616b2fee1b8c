import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AdminAction, AdminMetrics, AdminUser } from '../billing/types';
import { errorBody, me, stubFetch, type RecordedRequest } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { AdminScreen } from './AdminScreen';

type Routes = Parameters<typeof stubFetch>[0];

function adminUser(overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    id: 'u-anna',
    telegram_id: 1001,
    first_name: 'Анна',
    last_name: 'Петрова',
    username: 'anna',
    plan: 'free',
    premium_until: null,
    is_admin: false,
    created_at: '2026-10-01T10:00:00Z',
    last_seen_at: '2026-11-27T10:00:00Z',
    cards: 120,
    reviews_30d: 340,
    ...overrides,
  };
}

function usersPage(data: AdminUser[], offset = 0, total = data.length, hasMore = false) {
  return { data, pagination: { limit: 20, offset, total, has_more: hasMore } };
}

const metrics: AdminMetrics = {
  from: '2026-11-21T00:00:00Z',
  to: '2026-11-28T00:00:00Z',
  users: { total: 1250, new: 40, active_1d: 120, active_7d: 480, active_30d: 900, premium: 75 },
  activity: { reviews: 25000, exercises: 3100, messages: 5400 },
  retention: { d1: 0.62, d7: 0.41, d30: null },
  llm: { calls: 8600, cost_usd: 12.345, by_operation: [{ operation: 'tutor', calls: 5400, cost_usd: 9.1 }] },
  revenue: { stars: 12500, payments: 42, refunds: 1 },
};

function action(overrides: Partial<AdminAction> = {}): AdminAction {
  return {
    id: 'act-1',
    admin_id: 'u-admin',
    admin_telegram_id: 42,
    action: 'premium_grant',
    target_user_id: 'u-anna',
    target: { telegram_id: 1001, first_name: 'Анна', username: 'anna' },
    details: { days: 30, reason: 'Победитель конкурса', premium_until: '2026-12-28T10:00:00Z' },
    created_at: '2026-11-28T10:00:00Z',
    ...overrides,
  };
}

const STARS_PAYMENT = {
  id: 'pay-7',
  kind: 'purchase',
  provider: 'telegram_stars',
  plan: 'monthly',
  amount: 250,
  currency: 'XTR',
  period_days: 30,
  premium_until_after: '2099-01-10T00:00:00Z',
  created_at: '2026-11-20T10:00:00Z',
  refundable: true,
};

const paymentsPage = (data: unknown[]) => ({ body: { data, pagination: { limit: 100, offset: 0, total: data.length, has_more: false } } });

/** Opens Анна's panel and its refund form on the Stars charge, with a reason, up to the confirmation. */
async function refundUpToConfirmation(reason: string) {
  const [anna] = await screen.findAllByTestId('admin-user');
  await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
  const panel = await screen.findByTestId('admin-user-panel');
  await userEvent.click(await within(panel).findByTestId('refund-open'));
  await userEvent.type(within(panel).getByTestId('refund-reason'), reason);
  await userEvent.click(within(panel).getByTestId('refund-submit'));
  return panel;
}

function renderAdmin(routes: Routes = {}, path = '/admin') {
  const server = stubFetch({
    'GET /api/me': () => ({ body: { ...me(), is_admin: true } }),
    'GET /api/admin/users': () => ({ body: usersPage([adminUser(), adminUser({ id: 'u-boris', telegram_id: 1002, first_name: 'Борис', last_name: null, username: null, plan: 'premium', premium_until: '2027-01-10T00:00:00Z' })]) }),
    'GET /api/admin/metrics': () => ({ body: metrics }),
    'GET /api/admin/actions': () => ({ body: { data: [action()], pagination: { limit: 20, offset: 0, total: 1, has_more: false } } }),
    'GET /api/admin/users/u-anna/payments': () => ({ body: { data: [], pagination: { limit: 100, offset: 0, total: 0, has_more: false } } }),
    ...routes,
  });
  const view = renderScreen(<AdminScreen />, { fetchFn: server.fetchFn, path, route: '/admin' });
  return { server, ...view };
}

const lastQuery = (requests: RecordedRequest[], path: string) =>
  requests.filter((r) => r.path === path).at(-1)?.query ?? {};

describe('AdminScreen', () => {
  it('tells a non-admin there is no access', async () => {
    renderAdmin({ 'GET /api/admin/users': () => ({ status: 403, body: errorBody('FORBIDDEN') }) });
    expect(await screen.findByTestId('admin-forbidden')).toHaveTextContent('Нет доступа');
    expect(screen.queryByRole('tablist')).toBeNull();
  });

  it('lists users with their plan and activity', async () => {
    renderAdmin();
    const rows = await screen.findAllByTestId('admin-user');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Анна Петрова');
    expect(rows[0]).toHaveTextContent('@anna');
    expect(rows[0]).toHaveTextContent('Telegram ID: 1001');
    expect(rows[0]).toHaveTextContent('Карточки: 120 · Повторения за 30 дней: 340');
    expect(rows[0]).toHaveTextContent('Бесплатный');
    expect(rows[1]).toHaveTextContent('Premium до 10 января 2027');
    expect(screen.getByTestId('admin-range')).toHaveTextContent('Показаны 1–2 из 2');
  });

  it('searches, filters, sorts and pages through the server', async () => {
    const { server } = renderAdmin({
      'GET /api/admin/users': (r) => ({
        body: usersPage([adminUser({ id: `u-${r.query.offset}` })], Number(r.query.offset ?? 0), 45, Number(r.query.offset ?? 0) < 40),
      }),
    });
    await screen.findAllByTestId('admin-user');
    await userEvent.type(screen.getByTestId('admin-search'), 'anna');
    await waitFor(() => expect(lastQuery(server.requests, '/api/admin/users').search).toBe('anna'));
    await userEvent.selectOptions(screen.getByTestId('admin-plan-filter'), 'premium');
    await waitFor(() => expect(lastQuery(server.requests, '/api/admin/users').plan).toBe('premium'));
    await userEvent.selectOptions(screen.getByTestId('admin-sort'), 'last_seen_at');
    await userEvent.selectOptions(screen.getByTestId('admin-order'), 'asc');
    await waitFor(() =>
      expect(lastQuery(server.requests, '/api/admin/users')).toMatchObject({ sort: 'last_seen_at', order: 'asc', offset: '0', limit: '20' }),
    );
    await userEvent.click(screen.getByTestId('admin-next'));
    await waitFor(() => expect(lastQuery(server.requests, '/api/admin/users').offset).toBe('20'));
    expect(await screen.findByText('Показаны 21–21 из 45')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('admin-prev'));
    await waitFor(() => expect(lastQuery(server.requests, '/api/admin/users').offset).toBe('0'));
  });

  it('says nobody was found and resets the filters', async () => {
    const { server } = renderAdmin({
      'GET /api/admin/users': (r) => ({ body: usersPage(r.query.search ? [] : [adminUser()]) }),
    });
    await screen.findAllByTestId('admin-user');
    await userEvent.type(screen.getByTestId('admin-search'), 'nobody');
    expect(await screen.findByText('Никого не нашлось. Измените поиск или фильтр.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Сбросить фильтры' }));
    expect(await screen.findAllByTestId('admin-user')).toHaveLength(1);
    expect(lastQuery(server.requests, '/api/admin/users').search).toBeUndefined();
  });

  it('grants 30 days with a reason after a confirmation and shows the result', async () => {
    const { server } = renderAdmin({
      'POST /api/admin/users/u-anna/premium': () => ({ body: { user_id: 'u-anna', premium_until: '2099-12-28T10:00:00Z' } }),
    });
    const [anna] = await screen.findAllByTestId('admin-user');
    await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
    const panel = await screen.findByTestId('admin-user-panel');
    await userEvent.click(within(panel).getByTestId('grant-submit'));
    expect(within(panel).getByRole('alert')).toHaveTextContent('Укажите причину.');
    await userEvent.type(within(panel).getByTestId('grant-reason'), 'Победитель конкурса');
    await userEvent.click(within(panel).getByTestId('grant-submit'));
    expect(within(panel).getByTestId('grant-confirm')).toHaveTextContent('Изменить Premium пользователю Анна Петрова на 30 дней?');
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
    await userEvent.click(within(panel).getByTestId('grant-confirm-yes'));
    expect(await within(panel).findByTestId('grant-result')).toHaveTextContent('Готово: Premium до 28 декабря 2099');
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({ days: 30, reason: 'Победитель конкурса' });
    // The list is asked again, so the new plan shows.
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/api/admin/users').length).toBeGreaterThan(1));
  });

  it('grants until a date and refuses bad days', async () => {
    const { server } = renderAdmin({
      'POST /api/admin/users/u-anna/premium': () => ({ body: { user_id: 'u-anna', premium_until: '2099-03-01T20:59:59Z' } }),
    });
    const [anna] = await screen.findAllByTestId('admin-user');
    await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
    const panel = await screen.findByTestId('admin-user-panel');
    await userEvent.clear(within(panel).getByTestId('grant-days'));
    await userEvent.type(within(panel).getByTestId('grant-days'), '0');
    await userEvent.type(within(panel).getByTestId('grant-reason'), 'тест');
    await userEvent.click(within(panel).getByTestId('grant-submit'));
    expect(within(panel).getByRole('alert')).toHaveTextContent('Число дней — от −3650 до 3650, не ноль.');
    await userEvent.click(within(panel).getByTestId('grant-mode-until'));
    await userEvent.type(within(panel).getByTestId('grant-until'), '2099-03-01');
    await userEvent.click(within(panel).getByTestId('grant-submit'));
    expect(within(panel).getByTestId('grant-confirm')).toHaveTextContent('Установить Premium пользователю Анна Петрова до 1 марта 2099');
    await userEvent.click(within(panel).getByTestId('grant-confirm-yes'));
    await within(panel).findByTestId('grant-result');
    const body = server.requests.find((r) => r.method === 'POST')?.body as { until: string; reason: string };
    expect(body.reason).toBe('тест');
    expect(Number.isNaN(Date.parse(body.until))).toBe(false);
  });

  it('lists the user\'s payments and refunds a Stars charge after a confirmation', async () => {
    let refunded = false;
    const grant = { ...STARS_PAYMENT, id: 'pay-8', kind: 'grant', provider: 'admin', plan: null, amount: 0, refundable: false };
    const refundRow = { ...STARS_PAYMENT, id: 'pay-9', kind: 'refund', period_days: -30, premium_until_after: '2098-12-11T00:00:00Z', refundable: false };
    const { server } = renderAdmin({
      'GET /api/admin/users/u-anna/payments': () =>
        paymentsPage(refunded ? [refundRow, grant, { ...STARS_PAYMENT, refundable: false }] : [grant, STARS_PAYMENT]),
      'POST /api/admin/payments/pay-7/refund': () => {
        refunded = true;
        return { body: { premium_until: '2020-01-01T00:00:00Z' } };
      },
    });
    const [anna] = await screen.findAllByTestId('admin-user');
    await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
    const panel = await screen.findByTestId('admin-user-panel');
    const rows = await within(panel).findAllByTestId('payment');
    expect(rows).toHaveLength(2);
    // A grant: its kind, free, its days and the end of Premium after it; never refundable.
    expect(rows[0]).toHaveTextContent('Начислено администратором');
    expect(rows[0]).toHaveTextContent('бесплатно');
    expect(rows[0]).toHaveTextContent('+30 дней');
    expect(within(rows[0]!).queryByTestId('refund-open')).toBeNull();
    // A Stars charge: date, kind and plan, ⭐ amount, days, Premium's end after it.
    expect(rows[1]).toHaveTextContent('Покупка · Месяц');
    expect(rows[1]).toHaveTextContent('250 ⭐');
    expect(rows[1]).toHaveTextContent('20 нояб. 2026');
    expect(rows[1]).toHaveTextContent('+30 дней · Premium до 10 января 2099');
    await userEvent.click(within(rows[1]!).getByTestId('refund-open'));
    await userEvent.click(within(rows[1]!).getByTestId('refund-submit'));
    expect(within(rows[1]!).getByRole('alert')).toHaveTextContent('Укажите причину.');
    await userEvent.type(within(rows[1]!).getByTestId('refund-reason'), 'Ошибочная покупка');
    await userEvent.click(within(rows[1]!).getByTestId('refund-submit'));
    expect(within(rows[1]!).getByTestId('refund-confirm')).toHaveTextContent('Вернуть 250 ⭐ пользователю Анна Петрова?');
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
    const usersBefore = server.requests.filter((r) => r.path === '/api/admin/users').length;
    await userEvent.click(within(rows[1]!).getByTestId('refund-confirm-yes'));
    expect(await within(panel).findByTestId('refund-result')).toHaveTextContent('Возврат сделан. Premium больше не действует.');
    expect(server.requests.find((r) => r.path === '/api/admin/payments/pay-7/refund')?.body).toEqual({ reason: 'Ошибочная покупка' });
    // The payments and the users are asked again: the refund row shows, the charge is no longer refundable.
    await waitFor(() => expect(within(panel).getAllByTestId('payment')).toHaveLength(3));
    expect(within(panel).getAllByTestId('payment')[0]).toHaveTextContent('Возврат');
    expect(within(panel).getAllByTestId('payment')[0]).toHaveTextContent('-30 дней');
    expect(within(panel).queryByTestId('refund-open')).toBeNull();
    expect(server.requests.filter((r) => r.path === '/api/admin/users').length).toBeGreaterThan(usersBefore);
  });

  it('says when a payment was refunded already', async () => {
    renderAdmin({
      'GET /api/admin/users/u-anna/payments': () => paymentsPage([{ ...STARS_PAYMENT, plan: 'yearly', amount: 2000, period_days: 365 }]),
      'POST /api/admin/payments/pay-7/refund': () => ({ status: 409, body: errorBody('CONFLICT') }),
    });
    const panel = await refundUpToConfirmation('Дубль');
    await userEvent.click(within(panel).getByTestId('refund-confirm-yes'));
    expect(await within(panel).findByTestId('refund-error')).toHaveTextContent('Этот платёж уже возвращён.');
    expect(within(panel).queryByTestId('refund-result')).toBeNull();
  });

  it('says when Telegram did not refund the Stars', async () => {
    renderAdmin({
      'GET /api/admin/users/u-anna/payments': () => paymentsPage([STARS_PAYMENT]),
      'POST /api/admin/payments/pay-7/refund': () => ({ status: 503, body: errorBody('SERVICE_UNAVAILABLE') }),
    });
    const panel = await refundUpToConfirmation('Ошибка');
    await userEvent.click(within(panel).getByTestId('refund-confirm-yes'));
    expect(await within(panel).findByTestId('refund-error')).toHaveTextContent('Telegram не вернул звёзды. Ничего не изменилось — попробуйте позже.');
    // The form stays, so the refund can be tried again.
    expect(within(panel).getByTestId('refund-submit')).toBeInTheDocument();
  });

  it('says the user is gone when their payments are asked for', async () => {
    renderAdmin({ 'GET /api/admin/users/u-anna/payments': () => ({ status: 404, body: errorBody('USER_NOT_FOUND') }) });
    const [anna] = await screen.findAllByTestId('admin-user');
    await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
    expect(await screen.findByText('Пользователь не найден: возможно, он удалил аккаунт.')).toBeInTheDocument();
  });

  it('says a user has no payments', async () => {
    renderAdmin();
    const [anna] = await screen.findAllByTestId('admin-user');
    await userEvent.click(within(anna!).getByRole('button', { expanded: false }));
    expect(await screen.findByText('Платежей нет.')).toBeInTheDocument();
  });

  it('shows the metrics for a chosen period', async () => {
    const { server } = renderAdmin({}, '/admin?tab=metrics');
    const block = await screen.findByTestId('admin-metrics');
    expect(await within(block).findByTestId('metric-users-total')).toHaveTextContent(/1\s250/);
    expect(within(block).getByTestId('metric-retention-d1')).toHaveTextContent('62%');
    expect(within(block).getByTestId('metric-retention-d30')).toHaveTextContent('—');
    expect(within(block).getByTestId('metric-llm-cost')).toHaveTextContent('12,35');
    expect(within(block).getByTestId('metric-revenue-stars')).toHaveTextContent(/12\s500 ⭐/);
    expect(within(block).getByTestId('metric-ops')).toHaveTextContent('tutor');
    expect(lastQuery(server.requests, '/api/admin/metrics').period).toBe('week');
    await userEvent.click(within(block).getByRole('button', { name: 'Месяц' }));
    await waitFor(() => expect(lastQuery(server.requests, '/api/admin/metrics').period).toBe('month'));
  });

  it('shows the audit log with the reason', async () => {
    renderAdmin({}, '/admin?tab=actions');
    const [item] = await screen.findAllByTestId('audit-item');
    expect(item).toHaveTextContent('Выдача Premium · +30 дней');
    expect(within(item!).getByTestId('audit-until')).toHaveTextContent('Premium до 28 декабря 2026');
    expect(item).toHaveTextContent('Причина: Победитель конкурса');
    expect(item).toHaveTextContent('Админ 42');
    expect(within(item!).getByTestId('audit-target')).toHaveTextContent('Пользователь: Анна @anna · Telegram ID: 1001');
  });

  it('says when the person an audit entry was about erased their account', async () => {
    const gone = action({ target: null });
    renderAdmin({ 'GET /api/admin/actions': () => ({ body: { data: [gone], pagination: { limit: 20, offset: 0, total: 1, has_more: false } } }) }, '/admin?tab=actions');
    const [item] = await screen.findAllByTestId('audit-item');
    expect(within(item!).getByTestId('audit-target')).toHaveTextContent('Пользователь: аккаунт удалён');
  });

  it('names the user of a refund entry without a username', async () => {
    const refund = action({
      id: 'act-2',
      action: 'payment_refund',
      target_user_id: 'u-boris',
      target: { telegram_id: 1002, first_name: 'Борис', username: null },
      details: { stars: 250, reason: 'Дубль', premium_until: '2026-12-01T10:00:00Z' },
    });
    renderAdmin({ 'GET /api/admin/actions': () => ({ body: { data: [refund], pagination: { limit: 20, offset: 0, total: 1, has_more: false } } }) }, '/admin?tab=actions');
    const [item] = await screen.findAllByTestId('audit-item');
    expect(item).toHaveTextContent('Возврат Stars · 250 ⭐');
    expect(within(item!).getByTestId('audit-until')).toHaveTextContent('Premium до 1 декабря 2026');
    expect(within(item!).getByTestId('audit-target')).toHaveTextContent(/^Пользователь: Борис · Telegram ID: 1002$/);
  });

  it('says the audit log is empty', async () => {
    renderAdmin({ 'GET /api/admin/actions': () => ({ body: { data: [], pagination: { limit: 20, offset: 0, total: 0, has_more: false } } }) }, '/admin?tab=actions');
    expect(await screen.findByText(/Журнал пуст/)).toBeInTheDocument();
  });

  it('switches tabs through the address', async () => {
    const { router } = renderAdmin();
    await screen.findAllByTestId('admin-user');
    await userEvent.click(screen.getByTestId('admin-tab-actions'));
    expect(router.state.location.search).toBe('?tab=actions');
    expect(await screen.findAllByTestId('audit-item')).toHaveLength(1);
  });
});
