import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { BillingPlans, Payment } from '../billing/types';
import { errorBody, me, stubFetch } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { confirmTiming } from '../billing/queries';
import { UpgradeLink } from '../billing/UpgradeLink';
import { PlanScreen } from './PlanScreen';
import { ProfileScreen } from './ProfileScreen';

type Routes = Parameters<typeof stubFetch>[0];

function plans(overrides: Partial<BillingPlans['current']> = {}): BillingPlans {
  return {
    plans: [
      { id: 'monthly', stars: 250, period_days: 30, recurring: true },
      { id: 'yearly', stars: 2000, period_days: 365, recurring: false },
    ],
    current: { plan: 'free', premium_until: null, trial_available: true, trial_days: 7, ...overrides },
    limits: {
      free: {
        profiles: 1,
        cards: 500,
        daily_messages: 20,
        daily_card_generation: 20,
        daily_voice: 5,
        daily_exercises: 10,
        groups: 1,
        group_members: 5,
      },
      premium: {
        profiles: 10,
        cards: null,
        daily_messages: 200,
        daily_card_generation: null,
        daily_voice: null,
        daily_exercises: 100,
        groups: 20,
        group_members: 100,
      },
    },
  };
}

const premiumPlans = () => plans({ plan: 'premium', premium_until: '2026-12-28T10:00:00Z', trial_available: false });

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 'pay-1',
    kind: 'purchase',
    provider: 'telegram_stars',
    plan: 'monthly',
    amount: 250,
    currency: 'XTR',
    period_days: 30,
    premium_until_after: '2026-12-28T10:00:00Z',
    created_at: '2026-11-28T10:00:00Z',
    ...overrides,
  };
}

function renderPlan(routes: Routes = {}, lang: 'ru' | 'en' = 'ru') {
  const server = stubFetch({
    'GET /api/me': () => ({ body: me() }),
    'GET /api/billing/plans': () => ({ body: plans() }),
    'GET /api/billing/payments': () => ({ body: [] }),
    ...routes,
  });
  const view = renderScreen(<PlanScreen />, { fetchFn: server.fetchFn, path: '/profile/plan', lang });
  return { server, ...view };
}

/** A stand-in for Telegram.WebApp.openInvoice that records the link and answers `status`. */
function stubOpenInvoice(status: string) {
  const links: string[] = [];
  (window as unknown as { Telegram?: unknown }).Telegram = {
    WebApp: {
      openInvoice: (link: string, callback: (s: string) => void) => {
        links.push(link);
        setTimeout(() => callback(status), 0);
      },
    },
  };
  return links;
}

afterEach(() => {
  delete (window as unknown as { Telegram?: unknown }).Telegram;
});

describe('PlanScreen', () => {
  it('shows the free plan, both plans’ limits side by side and the offers in Stars', async () => {
    renderPlan();
    expect(await screen.findByTestId('plan-current-name')).toHaveTextContent('Бесплатный');
    expect(screen.getByTestId('limit-free-profiles')).toHaveTextContent('1');
    expect(screen.getByTestId('limit-premium-profiles')).toHaveTextContent('10');
    expect(screen.getByTestId('limit-free-cards')).toHaveTextContent('500');
    expect(screen.getByTestId('limit-premium-cards')).toHaveTextContent('без ограничений');
    expect(screen.getByTestId('limit-free-daily_messages')).toHaveTextContent('20 в день');
    expect(screen.getByTestId('limit-premium-daily_voice')).toHaveTextContent('без ограничений');
    expect(screen.getByTestId('limit-premium-groups')).toHaveTextContent('20');
    expect(screen.getByTestId('limit-premium-group_members')).toHaveTextContent('100');
    const monthly = screen.getByTestId('offer-monthly');
    expect(monthly).toHaveTextContent('Месяц');
    expect(monthly).toHaveTextContent('250 ⭐');
    expect(monthly).toHaveTextContent('каждые 30 дней');
    const yearly = screen.getByTestId('offer-yearly');
    expect(yearly).toHaveTextContent('2000 ⭐');
    expect(yearly).toHaveTextContent('Разовый платёж за 365 дней');
    expect(yearly).toHaveTextContent('Около 164 ⭐ в месяц');
    expect(screen.getByRole('button', { name: 'Купить: Год за 2000 ⭐' })).toBeEnabled();
    expect(screen.getByTestId('trial-start')).toHaveTextContent('Попробовать бесплатно: 7 дней');
  });

  it('speaks English', async () => {
    renderPlan({}, 'en');
    expect(await screen.findByTestId('limit-premium-cards')).toHaveTextContent('unlimited');
    expect(screen.getByTestId('trial-start')).toHaveTextContent('Try it free: 7 days');
    expect(screen.getByTestId('offer-monthly')).toHaveTextContent('charged every 30 days');
  });

  it('pays through openInvoice, then asks the plan again until premium shows', async () => {
    const links = stubOpenInvoice('paid');
    let checks = 0;
    const { server } = renderPlan({
      'POST /api/billing/invoice': () => ({ body: { plan: 'monthly', stars: 250, link: 'https://t.me/$inv-1' } }),
      // The bot confirms late: the first check after "paid" still says free.
      'GET /api/billing/plans': () => {
        checks += 1;
        return { body: checks <= 2 ? plans() : premiumPlans() };
      },
    });
    await userEvent.click(await screen.findByTestId('buy-monthly'));
    expect(await screen.findByText('Оплата получена, обновляем…')).toBeInTheDocument();
    expect(links).toEqual(['https://t.me/$inv-1']);
    expect(server.requests.find((r) => r.path === '/api/billing/invoice')?.body).toEqual({ plan: 'monthly' });
    expect(await screen.findByText(/Спасибо! Premium действует до 28 декабря 2026/, {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByTestId('plan-current-name')).toHaveTextContent('Premium до 28 декабря 2026');
  });

  it('says when the confirmation is slow, and checks again on request', async () => {
    stubOpenInvoice('paid');
    const timing = { ...confirmTiming };
    Object.assign(confirmTiming, { attempts: 3, delayMs: 10 });
    let confirmed = false;
    const { server } = renderPlan({
      'POST /api/billing/invoice': () => ({ body: { plan: 'monthly', stars: 250, link: 'https://t.me/$inv-4' } }),
      'GET /api/billing/plans': () => ({ body: confirmed ? premiumPlans() : plans() }),
    });
    try {
      await userEvent.click(await screen.findByTestId('buy-monthly'));
      expect(await screen.findByText(/подтверждение ещё не пришло/)).toBeInTheDocument();
      // The first load, three checks, and the refresh after them.
      expect(server.requests.filter((r) => r.path === '/api/billing/plans')).toHaveLength(5);
      confirmed = true;
      await userEvent.click(screen.getByTestId('purchase-check'));
      expect(await screen.findByText(/Спасибо! Premium действует до 28 декабря 2026/)).toBeInTheDocument();
    } finally {
      Object.assign(confirmTiming, timing);
    }
  });

  it('says a pending payment is being processed, with a check', async () => {
    stubOpenInvoice('pending');
    renderPlan({ 'POST /api/billing/invoice': () => ({ body: { plan: 'monthly', stars: 250, link: 'https://t.me/$inv-5' } }) });
    await userEvent.click(await screen.findByTestId('buy-monthly'));
    expect(await screen.findByText(/Платёж обрабатывается/)).toBeInTheDocument();
    expect(screen.getByTestId('purchase-check')).toBeEnabled();
  });

  it('says a cancelled payment was cancelled and asks nothing more', async () => {
    stubOpenInvoice('cancelled');
    const { server } = renderPlan({
      'POST /api/billing/invoice': () => ({ body: { plan: 'yearly', stars: 2000, link: 'https://t.me/$inv-2' } }),
    });
    await userEvent.click(await screen.findByTestId('buy-yearly'));
    expect(await screen.findByText('Оплата отменена. Деньги не списаны.')).toBeInTheDocument();
    expect(server.requests.filter((r) => r.path === '/api/billing/plans')).toHaveLength(1);
    expect(screen.getByTestId('buy-yearly')).toBeEnabled();
  });

  it('says a failed payment failed', async () => {
    stubOpenInvoice('failed');
    renderPlan({ 'POST /api/billing/invoice': () => ({ body: { plan: 'monthly', stars: 250, link: 'https://t.me/$x' } }) });
    await userEvent.click(await screen.findByTestId('buy-monthly'));
    expect(await screen.findByText('Оплата не прошла. Попробуйте ещё раз.')).toBeInTheDocument();
  });

  it('outside Telegram explains where payment works and offers the link', async () => {
    renderPlan({ 'POST /api/billing/invoice': () => ({ body: { plan: 'monthly', stars: 250, link: 'https://t.me/$inv-3' } }) });
    await userEvent.click(await screen.findByTestId('buy-monthly'));
    expect(await screen.findByText(/Оплата Telegram Stars работает внутри Telegram/)).toBeInTheDocument();
    expect(screen.getByTestId('invoice-link')).toHaveAttribute('href', 'https://t.me/$inv-3');
  });

  it('says when Telegram’s payment service is unavailable', async () => {
    renderPlan({ 'POST /api/billing/invoice': () => ({ status: 503, body: errorBody('SERVICE_UNAVAILABLE') }) });
    await userEvent.click(await screen.findByTestId('buy-monthly'));
    expect(await screen.findByText(/Оплата сейчас недоступна/)).toBeInTheDocument();
  });

  it('starts the free trial once', async () => {
    let started = false;
    const { server } = renderPlan({
      'GET /api/billing/plans': () => ({ body: started ? plans({ plan: 'premium', premium_until: '2026-12-05T10:00:00Z', trial_available: false }) : plans() }),
      'POST /api/billing/trial': () => {
        started = true;
        return { body: { premium_until: '2026-12-05T10:00:00Z' } };
      },
    });
    await userEvent.click(await screen.findByTestId('trial-start'));
    expect(await screen.findByTestId('trial-done')).toHaveTextContent('Пробный период начался: Premium до 5 декабря 2026');
    await waitFor(() => expect(screen.getByTestId('plan-current-name')).toHaveTextContent('Premium до 5 декабря 2026'));
    expect(screen.queryByTestId('trial-start')).toBeNull();
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/billing/trial')).toHaveLength(1);
  });

  it('says the trial was already used on 409', async () => {
    renderPlan({ 'POST /api/billing/trial': () => ({ status: 409, body: errorBody('CONFLICT') }) });
    await userEvent.click(await screen.findByTestId('trial-start'));
    expect(await screen.findByText('Пробный период уже был использован.')).toBeInTheDocument();
  });

  it('hides the trial when it is not available', async () => {
    renderPlan({ 'GET /api/billing/plans': () => ({ body: plans({ trial_available: false }) }) });
    await screen.findByTestId('plan-limits');
    expect(screen.queryByTestId('trial-start')).toBeNull();
  });

  it('lists payments, and says so when there are none', async () => {
    renderPlan({
      'GET /api/billing/plans': () => ({ body: premiumPlans() }),
      'GET /api/billing/payments': () => ({
        body: [
          payment(),
          payment({ id: 'pay-2', kind: 'grant', provider: 'admin', plan: null, amount: 0, period_days: 30 }),
          payment({ id: 'pay-3', kind: 'trial', provider: 'trial', plan: null, amount: 0, period_days: 7 }),
        ],
      }),
    });
    const rows = await screen.findAllByTestId('payment');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('Покупка · Месяц');
    expect(rows[0]).toHaveTextContent('250 ⭐');
    expect(rows[0]).toHaveTextContent('+30 дней');
    expect(rows[0]).toHaveTextContent('Premium до 28 декабря 2026');
    expect(rows[1]).toHaveTextContent('Начислено администратором');
    expect(rows[1]).toHaveTextContent('бесплатно');
    expect(rows[2]).toHaveTextContent('Пробный период');
    expect(rows[2]).toHaveTextContent('+7 дней');
  });

  it('offers the plans from an empty payment history', async () => {
    renderPlan();
    const payments = await screen.findByTestId('payments');
    expect(await within(payments).findByText(/Платежей пока нет/)).toBeInTheDocument();
    expect(within(payments).getByTestId('payments-choose')).toHaveAttribute('href', '#offers');
  });

  it('shows an error with retry when the plans cannot be loaded', async () => {
    let fail = true;
    renderPlan({
      'GET /api/billing/plans': () => (fail ? { status: 500, body: errorBody('INTERNAL_ERROR') } : { body: plans() }),
    });
    const retry = await screen.findByRole('button', { name: 'Повторить' }, { timeout: 5000 });
    fail = false;
    await userEvent.click(retry);
    expect(await screen.findByTestId('plan-limits')).toBeInTheDocument();
  });
});

describe('ProfileScreen: plan and admin entries', () => {
  function renderProfile(isAdmin: boolean) {
    const server = stubFetch({
      'GET /api/me': () => ({ body: { ...me(), is_admin: isAdmin } }),
      'GET /api/profiles': () => ({ body: [] }),
    });
    return renderScreen(<ProfileScreen />, { fetchFn: server.fetchFn, path: '/profile' });
  }

  it('links the plan line to the plan screen and hides admin from a learner', async () => {
    renderProfile(false);
    expect(await screen.findByTestId('plan-open')).toHaveAttribute('href', '/profile/plan');
    expect(screen.getByTestId('plan-open')).toHaveTextContent('Перейти на Premium');
    expect(screen.queryByTestId('admin-open')).toBeNull();
  });

  it('shows the admin entry to an admin', async () => {
    renderProfile(true);
    expect(await screen.findByTestId('admin-open')).toHaveAttribute('href', '/admin');
  });
});


describe('UpgradeLink', () => {
  it('offers Premium to a free learner under a used-up limit', async () => {
    const server = stubFetch({ 'GET /api/me': () => ({ body: me() }) });
    renderScreen(<UpgradeLink />, { fetchFn: server.fetchFn });
    expect(await screen.findByTestId('upgrade-link')).toHaveAttribute('href', '/profile/plan');
  });

  it('offers nothing to a premium learner', async () => {
    const server = stubFetch({
      'GET /api/me': () => ({ body: me({ plan: { ...me().plan, name: 'premium', premium_until: '2027-01-01T00:00:00Z' } }) }),
    });
    const view = renderScreen(<UpgradeLink />, { fetchFn: server.fetchFn });
    await waitFor(() => expect(view.queryClient.getQueryData(['me'])).toBeDefined());
    expect(screen.queryByTestId('upgrade-link')).toBeNull();
  });
});
