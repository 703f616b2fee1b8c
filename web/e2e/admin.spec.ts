import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, userWithProfile } from './helpers';

// The admin screens: an admin (E2E_ADMIN_TELEGRAM_ID, listed in ADMIN_TELEGRAM_IDS by
// scripts/e2e.sh) opens "Administration" from the profile, finds a learner by Telegram id,
// grants 30 days of Premium with a reason after a confirmation, sees the result, the learner's
// new plan, the metrics and the grant in the audit log; the learner sees no admin entry and
// "no access" at /admin. Screens at 390×844 in light and dark (admin-*-light.png, …-dark.png),
// checked at 320 px.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const ADMIN_ID = Number(process.env.E2E_ADMIN_TELEGRAM_ID);
const learnerId = 8_800_000_000 + Math.floor(Math.random() * 90_000_000);
const REASON = 'Победитель конкурса e2e';

let adminContext: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  if (!Number.isInteger(ADMIN_ID) || ADMIN_ID <= 0) throw new Error('run through scripts/e2e.sh (E2E_ADMIN_TELEGRAM_ID)');
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
  await shoot('grant');

  // The plan filter finds the learner among premium users.
  await page.getByTestId('admin-plan-filter').selectOption('premium');
  await expect(page.getByTestId('admin-user')).toHaveCount(1);
  await page.getByTestId('admin-plan-filter').selectOption('free');
  await expect(page.getByText('Никого не нашлось. Измените поиск или фильтр.')).toBeVisible();
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
  await expect(item).toContainText('Выдача Premium · +30 дней · Premium до');
  await expect(item).toContainText(`Админ ${ADMIN_ID}`);
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
