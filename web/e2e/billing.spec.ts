import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, sql, userWithProfile } from './helpers';

// The plan screen and a Telegram Stars purchase end to end: a free learner opens the plan from
// the profile, sees free and premium limits side by side and the two offers; "Buy" asks
// api-server for an invoice (which it makes through the fake Bot API, e2e/fake-telegram.mjs)
// and opens it with a stand-in for Telegram.WebApp.openInvoice that records the link. The
// payment itself arrives as Telegram would send it: a successful_payment update posted to
// api-server's webhook (the bot's processor runs inside api-server), delivered twice; then the
// sheet answers "paid", the screen says it is updating and shows premium, the payment is in the
// history once, and Me's limits are premium's. A cancelled sheet and the free trial too.
// Screens at 390×844 in light and dark (billing-*-light.png, …-dark.png), checked at 320 px.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const FAKE_TELEGRAM_URL = process.env.FAKE_TELEGRAM_URL;
const WEBHOOK_SECRET = process.env.E2E_WEBHOOK_SECRET;

let context: BrowserContext;
let page: Page;
let headers: Record<string, string>;
const telegramId = 8_700_000_000 + Math.floor(Math.random() * 90_000_000);

/** Telegram.WebApp.openInvoice as the test drives it: records the link, answers when told. */
function stubTelegramInvoice() {
  type Win = Window & {
    __invoiceLinks: string[];
    __answerInvoice?: (status: string) => void;
    Telegram?: unknown;
  };
  const win = window as unknown as Win;
  win.__invoiceLinks = [];
  win.Telegram = {
    WebApp: {
      openInvoice(link: string, callback: (status: string) => void) {
        win.__invoiceLinks.push(link);
        win.__answerInvoice = (status: string) => {
          win.__answerInvoice = undefined;
          callback(status);
        };
      },
    },
  };
}

test.beforeAll(async ({ browser }) => {
  if (!FAKE_TELEGRAM_URL || !WEBHOOK_SECRET) throw new Error('run through scripts/e2e.sh (FAKE_TELEGRAM_URL, E2E_WEBHOOK_SECRET)');
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await userWithProfile(context, telegramId);
  await context.addInitScript(stubTelegramInvoice);
  headers = await tokenOf(context.request, telegramId);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
});

async function tokenOf(request: APIRequestContext, id: number): Promise<Record<string, string>> {
  const login = await request.post('/api/auth/dev-login', {
    data: { telegram_id: id, first_name: 'Ева', language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { authorization: `Bearer ${token}` };
}

/** The screen in light and dark at 390 px, then checked for fit at 320 px. */
async function shoot(name: string): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `billing-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  await page.screenshot({ path: join(SCREENSHOTS, `billing-${name}-320-light.png`), fullPage: true });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 320 px`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out at 320 px`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
}

interface BotCall {
  method: string;
  body: Record<string, unknown>;
}

async function botCalls(request: APIRequestContext, method: string): Promise<BotCall[]> {
  const response = await request.get(`${FAKE_TELEGRAM_URL}/control`);
  expect(response.ok()).toBe(true);
  const { calls } = (await response.json()) as { calls: BotCall[] };
  return calls.filter((call) => call.method === method);
}

/** An update as Telegram posts it to the webhook, with the secret header. */
async function deliver(request: APIRequestContext, update: Record<string, unknown>): Promise<void> {
  const response = await request.post('/telegram/webhook', {
    headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET ?? '' },
    data: update,
  });
  expect(response.status(), await response.text()).toBe(200);
}

const from = () => ({ id: telegramId, is_bot: false, first_name: 'Ева', language_code: 'ru' });

test('a free learner sees the plans, the limits side by side and the offers in Stars', async () => {
  await page.goto('/profile');
  await expect(page.getByTestId('plan')).toContainText('Бесплатный тариф');
  await page.getByTestId('plan-open').click();
  await expect(page).toHaveURL(/\/profile\/plan$/);
  await expect(page.getByRole('heading', { name: 'Тариф' })).toBeVisible();
  await expect(page.getByTestId('plan-current-name')).toHaveText('Бесплатный');
  await expect(page.getByTestId('limit-premium-cards')).toHaveText(/без ограничений|\d+/);
  await expect(page.getByTestId('offer-monthly')).toContainText('250 ⭐');
  await expect(page.getByTestId('offer-yearly')).toContainText('2000 ⭐');
  await expect(page.getByTestId('trial-start')).toContainText('Попробовать бесплатно: 7 дней');
  await expect(page.getByTestId('payments')).toContainText('Платежей пока нет');
  await shoot('plan-free');
  // Back goes up to the profile, never out of the app.
  await page.getByTestId('browser-back').click();
  await expect(page).toHaveURL(/\/profile$/);
});

test('a cancelled payment sheet says so and changes nothing', async () => {
  await page.goto('/profile/plan');
  await page.getByTestId('buy-yearly').click();
  await expect(page.getByTestId('purchase-status')).toHaveText('Оплатите счёт в окне Telegram.');
  const links = await page.evaluate(() => (window as unknown as { __invoiceLinks: string[] }).__invoiceLinks);
  expect(links).toHaveLength(1);
  expect(links[0]).toMatch(/^https:\/\/t\.me\/\$e2e-invoice-\d+$/);
  await page.evaluate(() => (window as unknown as { __answerInvoice: (s: string) => void }).__answerInvoice('cancelled'));
  await expect(page.getByTestId('purchase-status')).toHaveText('Оплата отменена. Деньги не списаны.');
  await expect(page.getByTestId('plan-current-name')).toHaveText('Бесплатный');
  const invoice = (await botCalls(context.request, 'createInvoiceLink')).at(-1);
  expect(invoice?.body).toMatchObject({ currency: 'XTR', prices: [{ amount: 2000 }] });
  expect(invoice?.body.subscription_period).toBeUndefined();
});

test('a monthly purchase: the bot records the payment once, the screen shows premium', async () => {
  const plansBefore = await context.request.get('/api/billing/plans', { headers });
  const { limits } = (await plansBefore.json()) as { limits: { premium: { profiles: number } } };

  await page.goto('/profile/plan');
  await page.getByTestId('buy-monthly').click();
  await expect(page.getByTestId('purchase-status')).toHaveText('Оплатите счёт в окне Telegram.');
  const link = await page.evaluate(() => (window as unknown as { __invoiceLinks: string[] }).__invoiceLinks.at(-1));
  expect(link).toMatch(/^https:\/\/t\.me\/\$e2e-invoice-\d+$/);

  // What api-server asked Telegram for: a 30-day Stars subscription with our payload.
  const invoice = (await botCalls(context.request, 'createInvoiceLink')).at(-1);
  expect(invoice?.body).toMatchObject({ currency: 'XTR', prices: [{ amount: 250 }], subscription_period: 2_592_000 });
  const payload = String(invoice?.body.payload);
  expect(payload).toMatch(/^v1:monthly:/);

  // Telegram's side: the pre-checkout query, then the successful payment, delivered twice.
  const updateId = Math.floor(Math.random() * 1_000_000_000);
  await deliver(context.request, {
    update_id: updateId,
    pre_checkout_query: { id: `pcq-${updateId}`, from: from(), currency: 'XTR', total_amount: 250, invoice_payload: payload },
  });
  const payment = {
    message_id: 1000 + (updateId % 1000),
    date: Math.floor(Date.now() / 1000),
    chat: { id: telegramId, type: 'private', first_name: 'Ева' },
    from: from(),
    successful_payment: {
      currency: 'XTR',
      total_amount: 250,
      invoice_payload: payload,
      telegram_payment_charge_id: `e2e-charge-${updateId}`,
      provider_payment_charge_id: '',
      subscription_expiration_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
      is_recurring: true,
      is_first_recurring: true,
    },
  };
  await deliver(context.request, { update_id: updateId + 1, message: payment });
  await deliver(context.request, { update_id: updateId + 1, message: payment });
  await deliver(context.request, { update_id: updateId + 2, message: payment });

  // The sheet closes as paid: the screen waits for the bot's confirmation.
  await page.evaluate(() => (window as unknown as { __answerInvoice: (s: string) => void }).__answerInvoice('paid'));
  await expect(page.getByTestId('purchase-status')).toHaveText(/Оплата получена, обновляем…|Спасибо! Premium действует до/);
  await expect(page.getByTestId('purchase-status')).toContainText('Спасибо! Premium действует до', { timeout: 20_000 });
  await expect(page.getByTestId('plan-current-name')).toContainText('Premium до');
  await expect(page.getByTestId('plan-current')).toHaveAttribute('data-plan', 'premium');

  // The pre-checkout query was answered yes.
  await expect
    .poll(async () => (await botCalls(context.request, 'answerPreCheckoutQuery')).map((c) => c.body.ok))
    .toContainEqual(true);

  // One payment, however often Telegram delivered it.
  await expect(page.getByTestId('payment')).toHaveCount(1);
  await expect(page.getByTestId('payment').first()).toContainText('Покупка · Месяц');
  await expect(page.getByTestId('payment').first()).toContainText('250 ⭐');
  await expect(page.getByTestId('payment').first()).toContainText('+30 дней');
  const payments = await context.request.get('/api/billing/payments', { headers });
  expect(((await payments.json()) as { data: unknown[] }).data).toHaveLength(1);
  expect(sql(`SELECT count(*) FROM payments p JOIN users u ON u.id = p.user_id WHERE u.telegram_id = ${telegramId}`).trim()).toBe('1');
  await shoot('plan-premium');

  // The new limits everywhere: the profile's plan line says premium and premium's language limit.
  await page.goto('/profile');
  await expect(page.getByTestId('plan')).toContainText('Premium до');
  await expect(page.getByTestId('profiles-limit')).toContainText(`из ${limits.premium.profiles}`);
  await expect(page.getByTestId('plan-open')).toHaveText('Тариф и Premium');
});

test('a new learner starts the free trial once', async ({ browser }) => {
  const trialContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const trialId = telegramId + 1;
  await userWithProfile(trialContext, trialId);
  const trialPage = await trialContext.newPage();
  await trialPage.goto('/profile/plan');
  await trialPage.getByTestId('trial-start').click();
  await expect(trialPage.getByTestId('trial-done')).toContainText('Пробный период начался: Premium до');
  await expect(trialPage.getByTestId('plan-current')).toHaveAttribute('data-plan', 'premium');
  await expect(trialPage.getByTestId('trial-start')).toHaveCount(0);
  await expect(trialPage.getByTestId('payment')).toHaveCount(1);
  await expect(trialPage.getByTestId('payment').first()).toContainText('Пробный период');
  await expect(trialPage.getByTestId('payment').first()).toContainText('+7 дней');
  await trialContext.close();
});
