import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, userWithProfile } from './helpers';

// The admin screens: an admin (E2E_ADMIN_TELEGRAM_ID, listed in ADMIN_TELEGRAM_IDS by
// scripts/e2e.sh) opens "Administration" from the profile, finds a learner by Telegram id,
// grants 30 days of Premium with a reason after a confirmation, sees the result, the learner's
// new plan and the grant in their payments (with no refund); the learner buys a month in Stars
// (through the fake Bot API and the webhook) and the admin refunds it from that list; the
// metrics, then the grant and the refund in the audit log, naming the learner; the learner sees
// no admin entry and "no access" at /admin. Screens at 390×844 in light and dark
// (admin-*-light.png, …-dark.png), checked at 320 px (and shot there in dark, admin-*-320-dark.png).
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const ADMIN_ID = Number(process.env.E2E_ADMIN_TELEGRAM_ID);
const FAKE_TELEGRAM_URL = process.env.FAKE_TELEGRAM_URL;
const WEBHOOK_SECRET = process.env.E2E_WEBHOOK_SECRET;
const learnerId = 8_800_000_000 + Math.floor(Math.random() * 90_000_000);
const REASON = 'Победитель конкурса e2e';
const REFUND_REASON = 'Ошибочная покупка e2e';

let adminContext: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  if (!Number.isInteger(ADMIN_ID) || ADMIN_ID <= 0 || !FAKE_TELEGRAM_URL || !WEBHOOK_SECRET) {
    throw new Error('run through scripts/e2e.sh (E2E_ADMIN_TELEGRAM_ID, FAKE_TELEGRAM_URL, E2E_WEBHOOK_SECRET)');
  }
  adminContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  // The learner first, so the admin finds someone; then the admin (a profile, so Home is not onboarding).
  const learner = await browser.newContext();
  await userWithProfile(learner, learnerId);
  await learner.close();
  const login = await adminContext.request.post('/api/auth/dev-login', {
    data: { telegram_id: ADMIN_ID, first_name: 'Админ', language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const me = await adminContext.request.get('/api/me', {
    headers: { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` },
  });
  const profiles = ((await me.json()) as { limits: { profiles: { used: number } } }).limits.profiles.used;
  if (profiles === 0) await userWithProfile(adminContext, ADMIN_ID);
  else await adminContext.addInitScript((id) => localStorage.setItem('la_dev_telegram_id', id), String(ADMIN_ID));
  page = await adminContext.newPage();
});

test.afterAll(async () => {
  await adminContext?.close();
});

async function shoot(name: string): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `admin-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 320 px`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out at 320 px`).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SCREENSHOTS, `admin-${name}-320-dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
}

test('an admin finds a learner and grants 30 days with a reason', async () => {
  await page.goto('/profile');
  await page.getByTestId('admin-open').click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Администрирование' })).toBeVisible();
  await expect(page.getByTestId('admin-user').first()).toBeVisible();
  await shoot('users');

  await page.getByTestId('admin-search').fill(String(learnerId));
  const row = page.getByTestId('admin-user').filter({ hasText: `Telegram ID: ${learnerId}` });
  await expect(page.getByTestId('admin-user')).toHaveCount(1);
  await expect(row).toContainText('Бесплатный');
  await row.getByRole('button', { expanded: false }).click();
  const panel = row.getByTestId('admin-user-panel');
  await expect(panel.getByTestId('grant-days')).toHaveValue('30');
  // No reason: refused before asking.
  await panel.getByTestId('grant-submit').click();
  await expect(panel.getByRole('alert')).toHaveText('Укажите причину.');
  await panel.getByTestId('grant-reason').fill(REASON);
  await panel.getByTestId('grant-submit').click();
  await expect(panel.getByTestId('grant-confirm')).toContainText('Изменить Premium пользователю Ева на 30 дней?');
  await panel.getByTestId('grant-confirm-yes').click();
  await expect(panel.getByTestId('grant-result')).toContainText('Готово: Premium до');
  await expect(row.getByTestId('admin-user-plan')).toContainText('Premium до');
  // The grant shows in the learner's payments, with no refund (only Stars charges have one).
  const payment = panel.getByTestId('admin-payments').getByTestId('payment');
  await expect(payment).toHaveCount(1);
  await expect(payment).toContainText('Начислено администратором');
  await expect(payment).toContainText('+30 дней');
  await expect(payment).toContainText('Premium до');
  await expect(panel.getByTestId('refund-open')).toHaveCount(0);
  await shoot('grant');

  // The plan filter finds the learner among premium users.
  await page.getByTestId('admin-plan-filter').selectOption('premium');
  await expect(page.getByTestId('admin-user')).toHaveCount(1);
  await page.getByTestId('admin-plan-filter').selectOption('free');
  await expect(page.getByText('Никого не нашлось. Измените поиск или фильтр.')).toBeVisible();
});

type BotCall = { method: string; body: Record<string, unknown> };

async function botCalls(request: APIRequestContext, method: string): Promise<BotCall[]> {
  const response = await request.get(`${FAKE_TELEGRAM_URL}/control`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { calls: BotCall[] }).calls.filter((call) => call.method === method);
}

/** An update as Telegram posts it to api-server's webhook, with the secret header. */
async function deliver(request: APIRequestContext, update: Record<string, unknown>): Promise<void> {
  const response = await request.post('/telegram/webhook', {
    headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET ?? '' },
    data: update,
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** The learner buys a month for 250 Stars: an invoice link, then Telegram's pre-checkout and payment. */
async function learnerBuysAMonth(request: APIRequestContext): Promise<string> {
  const login = await request.post('/api/auth/dev-login', { data: { telegram_id: learnerId, first_name: 'Ева', language_code: 'ru' } });
  const headers = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  expect((await request.post('/api/billing/invoice', { headers, data: { plan: 'monthly' } })).ok()).toBe(true);
  const payload = String((await botCalls(request, 'createInvoiceLink')).at(-1)?.body.payload);
  const updateId = Math.floor(Math.random() * 1_000_000_000);
  const from = { id: learnerId, is_bot: false, first_name: 'Ева', language_code: 'ru' };
  const chargeId = `e2e-admin-charge-${updateId}`;
  await deliver(request, {
    update_id: updateId,
    pre_checkout_query: { id: `pcq-${updateId}`, from, currency: 'XTR', total_amount: 250, invoice_payload: payload },
  });
  await deliver(request, {
    update_id: updateId + 1,
    message: {
      message_id: 2000 + (updateId % 1000),
      date: Math.floor(Date.now() / 1000),
      chat: { id: learnerId, type: 'private', first_name: 'Ева' },
      from,
      successful_payment: {
        currency: 'XTR',
        total_amount: 250,
        invoice_payload: payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: '',
        subscription_expiration_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
        is_recurring: true,
        is_first_recurring: true,
      },
    },
  });
  // The bot records it (in api-server's update processor): wait until it is there.
  await expect
    .poll(async () => {
      const payments = await request.get('/api/billing/payments?limit=100', { headers });
      return ((await payments.json()) as { data: { kind: string }[] }).data.filter((p) => p.kind === 'purchase').length;
    })
    .toBe(1);
  return chargeId;
}

test('an admin refunds a Stars payment from the learner\'s payments', async () => {
  const chargeId = await learnerBuysAMonth(adminContext.request);
  await page.goto('/admin');
  await page.getByTestId('admin-search').fill(String(learnerId));
  await expect(page.getByTestId('admin-user')).toHaveCount(1);
  const row = page.getByTestId('admin-user');
  await row.getByRole('button', { expanded: false }).click();
  const panel = row.getByTestId('admin-user-panel');
  const payments = panel.getByTestId('admin-payments').getByTestId('payment');
  await expect(payments).toHaveCount(2);
  const purchase = payments.filter({ hasText: 'Покупка' });
  await expect(purchase).toContainText('Покупка · Месяц');
  await expect(purchase).toContainText('250 ⭐');
  await expect(purchase).toContainText('+30 дней');
  // Only the Stars charge can be refunded.
  await expect(panel.getByTestId('refund-open')).toHaveCount(1);
  await purchase.getByTestId('refund-open').click();
  await purchase.getByTestId('refund-submit').click();
  await expect(purchase.getByRole('alert')).toHaveText('Укажите причину.');
  await purchase.getByTestId('refund-reason').fill(REFUND_REASON);
  await purchase.getByTestId('refund-submit').click();
  await expect(purchase.getByTestId('refund-confirm')).toContainText('Вернуть 250 ⭐ пользователю Ева?');
  await shoot('refund-confirm');
  await purchase.getByTestId('refund-confirm-yes').click();
  await expect(panel.getByTestId('refund-result')).toContainText('Возврат сделан. Premium до');
  // Asked again: the refund row is there and nothing is refundable any more.
  await expect(payments).toHaveCount(3);
  await expect(payments.filter({ hasText: 'Возврат' })).toContainText('-30 дней');
  await expect(panel.getByTestId('refund-open')).toHaveCount(0);
  // Telegram was asked to refund that charge.
  const refunds = await botCalls(adminContext.request, 'refundStarPayment');
  expect(refunds.map((call) => call.body.telegram_payment_charge_id)).toContain(chargeId);
  await shoot('refund');
});

test('the metrics and the audit log show the grant', async () => {
  await page.goto('/admin?tab=metrics');
  const metrics = page.getByTestId('admin-metrics');
  await expect(metrics.getByTestId('metric-users-total')).toHaveText(/\d/);
  await expect(metrics.getByTestId('metric-users-premium')).toHaveText(/[1-9]/);
  await metrics.getByRole('button', { name: '3 месяца' }).click();
  await expect(metrics.getByRole('button', { name: '3 месяца' })).toHaveAttribute('aria-pressed', 'true');
  await shoot('metrics');

  await page.getByTestId('admin-tab-actions').click();
  await expect(page).toHaveURL(/tab=actions/);
  const item = page.getByTestId('audit-item').filter({ hasText: REASON }).first();
  await expect(item).toContainText('Выдача Premium · +30 дней');
  await expect(item.getByTestId('audit-until')).toContainText('Premium до');
  await expect(item).toContainText(`Админ ${ADMIN_ID}`);
  await expect(item.getByTestId('audit-target')).toHaveText(`Пользователь: Ева · Telegram ID: ${learnerId}`);
  const refund = page.getByTestId('audit-item').filter({ hasText: REFUND_REASON }).first();
  await expect(refund).toContainText('Возврат Stars · 250 ⭐');
  await expect(refund.getByTestId('audit-target')).toHaveText(`Пользователь: Ева · Telegram ID: ${learnerId}`);
  await shoot('actions');
});

test('a learner sees no admin entry and no access at /admin', async ({ browser }) => {
  const learner = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await learner.addInitScript((id) => localStorage.setItem('la_dev_telegram_id', id), String(learnerId));
  const learnerPage = await learner.newPage();
  await learnerPage.goto('/profile');
  await expect(learnerPage.getByTestId('plan')).toContainText('Premium до');
  await expect(learnerPage.getByTestId('admin-open')).toHaveCount(0);
  await learnerPage.goto('/admin');
  await expect(learnerPage.getByTestId('admin-forbidden')).toContainText('Нет доступа');
  await expect(learnerPage.getByRole('tablist')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await learnerPage.emulateMedia({ colorScheme: scheme });
    await learnerPage.screenshot({ path: join(SCREENSHOTS, `admin-forbidden-${scheme}.png`), fullPage: true });
  }
  await learner.close();
});
