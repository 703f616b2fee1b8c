import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
  count,
  hasHorizontalScroll,
  overflowingElements,
  recordApiCalls,
  screenshot,
  sql,
} from './helpers';

// One user's journey against the real api-server; each step builds on the previous one.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let api: ReturnType<typeof recordApiCalls>;

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  page = await context.newPage();
  api = recordApiCalls(page);
});

test.afterAll(async () => {
  await context.close();
});

const primary = () => page.locator('.primary-action button');
const greeting = () => page.getByRole('heading', { name: /^Привет, / });
const activeLanguage = () => page.getByTestId('active-language');

test('a new user signs in with the dev sign-in and completes onboarding', async () => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/onboarding\/language$/);
  await expect(page.getByRole('heading', { name: 'Какой язык вы хотите изучать?' })).toBeVisible();
  expect(count(api.calls, 'POST /api/auth/dev-login')).toBe(1);
  await screenshot(page, '01-onboarding-language');

  await page.getByRole('searchbox').fill('немец');
  await page.locator('.language-list button[data-code="de"]').click();
  await primary().click();

  await expect(page).toHaveURL(/\/onboarding\/levels$/);
  const current = page.getByRole('group', { name: 'Сейчас' });
  const target = page.getByRole('group', { name: 'Цель' });
  await current.getByText('A2', { exact: true }).click();
  await current.getByText('B1', { exact: true }).click();
  await expect(target.getByRole('radio', { name: 'A2' })).toBeDisabled();
  await target.getByText('B2', { exact: true }).click();
  await screenshot(page, '02-onboarding-levels');
  await primary().click();

  await expect(page).toHaveURL(/\/onboarding\/goals$/);
  // "Pick at least one goal" only once the learner tried to go on.
  await expect(page.getByTestId('step-problem')).toHaveCount(0);
  await primary().click();
  await expect(page.getByTestId('step-problem')).toHaveText('Выберите хотя бы одну цель.');
  await expect(page).toHaveURL(/\/onboarding\/goals$/);
  await page.getByRole('button', { name: 'Путешествия' }).click();
  await page.getByRole('button', { name: 'Работа' }).click();
  await screenshot(page, '03-onboarding-goals');
  await primary().click();

  await expect(page).toHaveURL(/\/onboarding\/interface$/);
  await page.getByText('Русский', { exact: true }).click();
  await screenshot(page, '04-onboarding-interface');
  await primary().click();

  await expect(page).toHaveURL(/\/$/);
  await expect(greeting()).toBeVisible();
  await expect(activeLanguage()).toHaveText('Немецкий');
  await expect(page.getByText('Уровень B1 → цель B2')).toBeVisible();
  await expect(page.getByTestId('plan')).toContainText('Бесплатный тариф');
  await expect(page.getByTestId('profiles-limit')).toHaveText('Языки: 1 из 1');
  expect(api.bodies.get('POST /api/profiles')?.[0]).toEqual({
    language: 'de',
    current_level: 'B1',
    target_level: 'B2',
    goals: ['travel', 'work'],
    interface_language: 'ru',
  });
  // The browser's time zone was sent on first launch.
  expect(api.bodies.get('PATCH /api/me')).toContainEqual({ detected_timezone: 'Asia/Yekaterinburg' });
  await screenshot(page, '05-home');
});

test('a reload stays signed in through the stored refresh token', async () => {
  api.calls.length = 0;
  await page.reload();
  await expect(activeLanguage()).toHaveText('Немецкий');
  expect(count(api.calls, 'POST /api/auth/refresh')).toBe(1);
  expect(count(api.calls, 'POST /api/auth/dev-login')).toBe(0);
});

test('an expired access token is refreshed silently and the request retried', async () => {
  let intercepted = false;
  await page.route('**/api/me', async (route) => {
    if (!intercepted && route.request().method() === 'GET') {
      intercepted = true;
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'TOKEN_EXPIRED', message: 'Access token expired', request_id: 'e2e' },
        }),
      });
      return;
    }
    await route.continue();
  });
  api.calls.length = 0;
  await page.reload();
  await expect(activeLanguage()).toHaveText('Немецкий');
  await page.unroute('**/api/me');

  expect(intercepted).toBe(true);
  // One refresh at start-up (reload), one more after the 401, then GET /api/me again.
  expect(count(api.calls, 'POST /api/auth/refresh')).toBe(2);
  expect(count(api.calls, 'GET /api/me')).toBe(2);
  expect(count(api.calls, 'POST /api/auth/dev-login')).toBe(0);
  const retryIndex = api.calls.lastIndexOf('GET /api/me');
  expect(api.calls.indexOf('POST /api/auth/refresh', api.calls.indexOf('GET /api/me'))).toBeLessThan(retryIndex);
});

async function addFrench(): Promise<void> {
  await page.getByTestId('add-language').click();
  await expect(page).toHaveURL(/\/profile\/new\/language$/);
  await expect(page.locator('button[data-code="de"]').first()).toBeDisabled();
  await page.locator('.language-grid button[data-code="fr"]').click();
  await primary().click();
  await expect(page).toHaveURL(/\/profile\/new\/levels$/);
  await primary().click();
  await page.getByRole('button', { name: 'Культура' }).click();
  await primary().click();
  await expect(page).toHaveURL(/\/profile\/new\/interface$/);
}

test('a free learner hears of the one-language limit before the wizard, with the way to the plan', async () => {
  await page.getByRole('link', { name: 'Профиль и настройки' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole('heading', { name: 'Профиль' })).toBeVisible();
  await expect(page.locator('select[name="timezone"]')).toHaveValue('Asia/Yekaterinburg');
  await screenshot(page, '06-profile');

  await page.getByTestId('add-language').click();
  await expect(page).toHaveURL(/\/profile$/);
  const notice = page.getByTestId('profile-limit');
  await expect(notice).toContainText('На бесплатном тарифе — 1 язык');
  await expect(notice).not.toContainText('Код запроса');
  await expect(notice.getByRole('link', { name: 'Тариф и лимиты' })).toHaveAttribute('href', '/profile/plan');
  await screenshot(page, '07-limit-before-wizard');
  // Opening the wizard by its address says the same instead of four steps.
  await page.goto('/profile/new/language');
  await expect(page.getByTestId('profile-limit')).toBeVisible();
  await page.goto('/profile');
});

test('with premium a second language is added and the active profile switched from Home', async () => {
  const telegramId = await page.evaluate(() => localStorage.getItem('la_dev_telegram_id'));
  expect(telegramId).toMatch(/^\d+$/);
  sql(`UPDATE users SET premium_until = now() + interval '30 days' WHERE telegram_id = ${telegramId}`);

  // The server caches signed-in users; a settings change through the API refreshes the entry.
  const login = await context.request.post('/api/auth/dev-login', {
    data: { telegram_id: Number(telegramId), first_name: 'Ева', language_code: 'ru' },
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const refreshed = await context.request.patch('/api/me', {
    headers: { authorization: `Bearer ${token}` },
    data: { reminders_enabled: true },
  });
  expect(refreshed.ok()).toBe(true);
  await page.reload();
  await expect(page.getByTestId('profiles-limit')).toHaveText('Языки: 1 из 10');
  await addFrench();
  await primary().click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator('.profile-row')).toHaveCount(2);
  await expect(page.getByTestId('profiles-limit')).toHaveText('Языки: 2 из 10');

  await page.goto('/');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('plan')).toContainText('Premium');
  await expect(activeLanguage()).toHaveText('Немецкий');
  await page.locator('.profile-switcher button[data-language="fr"]').click();
  await expect(activeLanguage()).toHaveText('Французский');
  await expect(page.locator('.profile-switcher button[data-language="fr"]')).toHaveAttribute('aria-pressed', 'true');
  await screenshot(page, '08-home-switched');

  await page.reload();
  await expect(activeLanguage()).toHaveText('Французский');
});

test('the profile editor saves settings and deletes a language after confirmation', async () => {
  await page.getByRole('link', { name: 'Профиль и настройки' }).click();
  await page.locator('.profile-row[data-language="de"]').getByRole('link', { name: 'Изменить' }).click();
  await expect(page).toHaveURL(/\/profile\/edit\//);
  await page.locator('input[name="new_cards_per_day"]').fill('35');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Сохранено' })).toBeVisible();
  await screenshot(page, '09-profile-editor');

  await page.goBack();
  await page.locator('.profile-row[data-language="fr"]').getByRole('link', { name: 'Изменить' }).click();
  await page.getByRole('button', { name: 'Удалить язык' }).click();
  await screenshot(page, '10-delete-confirm');
  await page.getByRole('button', { name: 'Да, удалить' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator('.profile-row')).toHaveCount(1);
  await expect(page.locator('.profile-row[data-language="de"]')).toContainText('активный');
});

test('every screen fits 320 px without horizontal scrolling', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/profile');
  const editHref = await page
    .locator('.profile-row[data-language="de"] a')
    .getAttribute('href');
  expect(editHref).toMatch(/^\/profile\/edit\//);
  const screens: [string, string][] = [
    ['/', '11-320-home'],
    ['/profile', '12-320-profile'],
    [editHref ?? '/profile', '13-320-editor'],
    ['/profile/new/language', '14-320-add-language'],
  ];
  for (const [path, name] of screens) {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    await expect(page.locator('.skeleton')).toHaveCount(0);
    expect(await hasHorizontalScroll(page), `${path} scrolls horizontally`).toBe(false);
    expect(await overflowingElements(page), `${path} has clipped content`).toEqual([]);
    await screenshot(page, name);
  }
  // The wizard's later steps, reached by walking through them.
  await page.locator('.language-grid button[data-code="es"]').click();
  await primary().click();
  await expect(page).toHaveURL(/levels$/);
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(await overflowingElements(page)).toEqual([]);
  await screenshot(page, '15-320-add-levels');
});

test('a browser without the dev sign-in is asked to open Telegram', async ({ browser }) => {
  // Staging and production answer 404 for dev-login; a fresh browser must not crash on it.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await strangerPage.route('**/api/auth/dev-login', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found', request_id: 'e2e' } }),
    }),
  );
  await strangerPage.goto('/');
  await expect(strangerPage.getByTestId('open-in-telegram')).toContainText('Откройте приложение в Telegram');
  await screenshot(strangerPage, '16-open-in-telegram');
  await stranger.close();
});
