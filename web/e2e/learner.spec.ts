import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, sql, userWithProfile } from './helpers';

// Issue 11, items 5–13: the new-card allowance made visible and "study more today", counters
// that agree, first steps, onboarding kept across a reload, the language limit before the
// wizard, a time zone kept across devices, export and erasure, and the polish. Screenshots of
// each main screen at 390×844, light and dark, go to e2e-artifacts/screenshots/.

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

/** The screen in both colour schemes, full page. */
async function shoot(page: Page, name: string): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 390 px`).toBe(false);
}

/** A bearer token for the dev user `telegramId`, for arranging state through the API. */
async function tokenOf(request: APIRequestContext, telegramId: number): Promise<Record<string, string>> {
  const login = await request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: 'Ева', language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { authorization: `Bearer ${token}` };
}

async function addCards(request: APIRequestContext, headers: Record<string, string>, words: string[]) {
  for (const front of words) {
    const response = await request.post('/api/cards', { headers, data: { front, back: `перевод ${front}` } });
    expect(response.status()).toBe(201);
  }
}

async function newUser(context: BrowserContext, telegramId: number, settings: Record<string, unknown> = {}) {
  await userWithProfile(context, telegramId, settings);
  return tokenOf(context.request, telegramId);
}

test('a brand-new learner sees first steps; a long deck name wraps; plurals; the way back', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const headers = await newUser(context, 91_001);
  await page.goto('/');
  await expect(page.getByTestId('first-steps')).toBeVisible();
  await expect(page.getByText('На сегодня всё')).toHaveCount(0);
  await shoot(page, '01-home-first-steps');

  const long = 'Очень длинное название колоды для поездки по Андалусии и Каталонии летом 2027 года';
  const deck = await context.request.post('/api/decks', { headers, data: { name: long } });
  expect(deck.status()).toBe(201);
  const deckId = ((await deck.json()) as { id: string }).id;
  await addCards(context.request, headers, ['el baño', 'la playa', 'el tren', 'la estación', 'el billete']);
  await page.goto('/cards');
  await expect(page.locator(`.deck-row[data-deck="Мои слова"]`)).toContainText('5 новых');
  await shoot(page, '02-decks');

  // Outside Telegram a screen opened directly still has a way back.
  await page.goto(`/cards/${deckId}`);
  await expect(page.getByRole('heading', { name: long })).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  await page.getByTestId('browser-back').click();
  await expect(page).toHaveURL(/\/cards$/);

  // Search ignores diacritics: "bano" finds "baño".
  await page.locator('.deck-row[data-deck="Мои слова"] .deck-link').click();
  await page.getByRole('searchbox', { name: 'Поиск по карточкам' }).fill('bano');
  await expect(page.locator('.card-row')).toHaveCount(1);
  await expect(page.locator('.card-row')).toContainText('el baño');
  await shoot(page, '03-deck-search');

  // After adding, the word field has the focus again.
  await page.getByTestId('add-card').click();
  await page.getByRole('textbox', { name: 'Слово или фраза *' }).fill('el andén');
  await page.getByRole('textbox', { name: 'Перевод *' }).fill('перрон');
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Добавлено: el andén' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Слово или фраза *' })).toBeFocused();
  await shoot(page, '04-card-add');
  await context.close();
});

test('new cards over the daily limit wait, "study more today" lets them in, and the counters agree', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const headers = await newUser(context, 91_002, { rating_buttons: 4 });
  const profiles = (await (await context.request.get('/api/profiles', { headers })).json()) as {
    data: { id: string }[];
  };
  const profileId = profiles.data[0]?.id ?? '';
  const patch = await context.request.patch(`/api/profiles/${profileId}`, { headers, data: { new_cards_per_day: 2 } });
  expect(patch.ok()).toBe(true);
  await addCards(context.request, headers, ['uno', 'dos', 'tres', 'cuatro', 'cinco']);

  // Home, the deck list and the deck say the same: 2 today, 3 waiting under a limit of 2.
  await page.goto('/');
  await expect(page.getByTestId('study-action')).toHaveText('Учить · 2');
  const waiting = page.getByTestId('new-waiting');
  await expect(waiting).toContainText('3 новые карточки ждут завтра (лимит в день: 2)');
  await expect(waiting.getByTestId('change-limit')).toHaveAttribute('href', `/profile/edit/${profileId}`);
  await shoot(page, '05-home-waiting');
  await page.goto('/cards');
  await expect(page.getByTestId('deck-study')).toHaveText('Учить · 2');
  await expect(page.getByTestId('new-waiting')).toContainText('3 новые карточки ждут');

  // The session's "left" is the same figure and moves with every answer.
  await page.getByTestId('deck-study').click();
  await expect(page.getByTestId('left')).toHaveText('Осталось: 2');
  await shoot(page, '06-study-front');
  await page.keyboard.press('Enter'); // Enter flips, as Space does
  await expect(page.getByTestId('card-back')).toBeVisible();
  await shoot(page, '07-study-back');
  await page.keyboard.press('4');
  await expect(page.getByTestId('left')).toHaveText('Осталось: 1');
  // `u` undoes: the card is back face up and "left" with it.
  await page.keyboard.press('u');
  await expect(page.getByTestId('left')).toHaveText('Осталось: 2');
  await expect(page.getByTestId('card-back')).toBeVisible();
  await page.keyboard.press('4');
  await expect(page.getByTestId('left')).toHaveText('Осталось: 1');
  await page.keyboard.press('Enter');
  await page.keyboard.press('4');
  // Ctrl+Z undoes as well.
  await expect(page.getByTestId('study-summary')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('card-back')).toBeVisible();
  await expect(page.getByTestId('left')).toHaveText('Осталось: 1');
  await page.keyboard.press('4');

  // Done for the limit: the summary says what waits and offers more for today.
  await expect(page.getByTestId('study-summary')).toBeVisible();
  await expect(page.getByTestId('new-waiting')).toContainText('3 новые карточки ждут завтра');
  await shoot(page, '08-study-summary-waiting');
  await page.getByTestId('study-more-10').click();
  await expect(page.getByTestId('left')).toHaveText('Осталось: 3');
  await expect(page.getByTestId('card-front')).toBeVisible();
  const stored = sql(
    `SELECT extra_new_cards FROM daily_activity a JOIN users u ON u.id = a.user_id WHERE u.telegram_id = 91002`,
  );
  expect(stored.trim()).toBe('10');

  await page.goto('/');
  await expect(page.getByTestId('study-action')).toHaveText('Учить · 3');
  await expect(page.getByTestId('new-waiting')).toHaveCount(0);
  await context.close();
});

test('a reload mid-onboarding keeps the answers; every language has a name', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('la_dev_telegram_id', '91003'));
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/onboarding\/language$/);
  await shoot(page, '09-onboarding-language');
  // The popular languages read like the full list: the same font size, the name centred
  // vertically, tappable, and long Russian names inside their buttons at 390 px.
  const listFont = await page
    .locator('.language-list button')
    .first()
    .evaluate((el) => getComputedStyle(el).fontSize);
  for (const name of ['Английский', 'Нидерландский', 'Португальский']) {
    const button = page.locator('.language-grid button', { hasText: name });
    const box = await button.evaluate((el) => {
      const outer = el.getBoundingClientRect();
      const text = el.querySelector('span')?.getBoundingClientRect() ?? outer;
      return {
        height: outer.height,
        right: outer.right,
        gap: Math.abs(text.top - outer.top - (outer.bottom - text.bottom)),
        font: getComputedStyle(el).fontSize,
        overflows: el.scrollWidth > el.clientWidth + 1,
      };
    });
    expect(box.height, name).toBeGreaterThanOrEqual(44);
    expect(box.gap, `${name} is centred vertically`).toBeLessThanOrEqual(2);
    expect(box.font, name).toBe(listFont);
    expect(box.overflows, `${name} fits its button`).toBe(false);
    expect(box.right, name).toBeLessThanOrEqual(390);
  }
  // The full list shows names, never bare codes such as "AA".
  const names = await page.locator('.language-list button').allTextContents();
  expect(names.length).toBeGreaterThan(100);
  expect(names.filter((name) => /^[A-Z]{2}$/.test(name.trim()))).toEqual([]);

  await page.getByRole('searchbox').fill('испан');
  await page.locator('.language-list button[data-code="es"]').click();
  await page.locator('.primary-action button').click();
  await expect(page).toHaveURL(/\/onboarding\/levels$/);
  await page.getByRole('group', { name: 'Сейчас' }).getByText('B1', { exact: true }).click();
  await page.locator('.primary-action button').click();
  await expect(page).toHaveURL(/\/onboarding\/goals$/);
  await page.getByRole('button', { name: 'Путешествия' }).click();
  await shoot(page, '10-onboarding-goals');

  await page.reload();
  await expect(page).toHaveURL(/\/onboarding\/goals$/);
  await expect(page.getByRole('button', { name: 'Путешествия' })).toHaveAttribute('aria-pressed', 'true');
  await page.locator('.primary-action button').click();
  await page.locator('.primary-action button').click();
  await expect(page).toHaveURL(/\/$/);
  const profile = sql(
    `SELECT language || ' ' || current_level FROM language_profiles p JOIN users u ON u.id = p.user_id WHERE u.telegram_id = 91003`,
  );
  expect(profile.trim()).toBe('es B1');
  await context.close();
});

test('a zone picked by hand is kept when another device reports its own', async ({ browser }) => {
  const phone = await browser.newContext({ timezoneId: 'Asia/Yekaterinburg' });
  await userWithProfile(phone, 91_004);
  const page = await phone.newPage();
  await page.goto('/profile');
  const zone = page.locator('select[name="timezone"]');
  await expect(zone).toHaveValue('Asia/Yekaterinburg');
  await expect(zone.locator('option[value="Asia/Yekaterinburg"]')).toHaveText('UTC+05:00 · Yekaterinburg (Asia)');
  await page.getByRole('searchbox', { name: 'Найти город или пояс' }).fill('madrid');
  await zone.selectOption('Europe/Madrid');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByTestId('timezone-source')).toContainText('Выбран вручную');
  await shoot(page, '11-profile-settings');
  await phone.close();

  // A laptop in another zone signs in as the same learner: the choice stays.
  const laptop = await browser.newContext({ timezoneId: 'America/New_York' });
  await laptop.addInitScript(() => localStorage.setItem('la_dev_telegram_id', '91004'));
  const other = await laptop.newPage();
  const sent: unknown[] = [];
  other.on('request', (request) => {
    if (request.method() === 'PATCH' && request.url().endsWith('/api/me')) sent.push(request.postDataJSON());
  });
  await other.goto('/profile');
  await expect(other.locator('select[name="timezone"]')).toHaveValue('Europe/Madrid');
  expect(sent).toEqual([]);
  const stored = sql(`SELECT timezone || ' ' || timezone_source FROM users WHERE telegram_id = 91004`);
  expect(stored.trim()).toBe('Europe/Madrid manual');
  await laptop.close();
});

test('the tutor screen shows no quota while the tutor is unavailable', async ({ browser }) => {
  const context = await browser.newContext();
  await userWithProfile(context, 91_005);
  const page = await context.newPage();
  await page.route('**/api/me', async (route) => {
    const response = await route.fetch();
    const me = (await response.json()) as { features: { llm: boolean } };
    await route.fulfill({ response, json: { ...me, features: { llm: false } } });
  });
  await page.goto('/chat');
  await expect(page.getByTestId('chat-not-configured')).toBeVisible();
  await expect(page.getByText(/Осталось сообщений/)).toHaveCount(0);
  // Only the unavailable state: no invitation to ask, no composer.
  await expect(page.getByText(/Спросите репетитора о чём угодно/)).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await shoot(page, '12-chat-unavailable');
  await context.close();
});

test('the interface language renames the default deck; export and delete the account', async ({ browser }) => {
  const context = await browser.newContext({ acceptDownloads: true });
  await userWithProfile(context, 91_006);
  const page = await context.newPage();
  await page.goto('/profile');
  await page.getByRole('radio', { name: 'English' }).first().check();
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  await page.goto('/cards');
  await expect(page.locator('.deck-row[data-deck="My words"]')).toBeVisible();
  await shoot(page, '13-decks-en');

  await page.goto('/profile');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-me').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('lang-agent-export.json');
  const exported = JSON.parse(readFileSync((await file.path()) ?? '', 'utf8')) as { user: { telegram_id: number } };
  expect(exported.user.telegram_id).toBe(91_006);

  await page.getByTestId('delete-me').click();
  await expect(page.getByRole('alertdialog')).toContainText('Delete your account');
  await shoot(page, '14-profile-delete-confirm');
  await page.getByRole('button', { name: 'Yes, delete for good' }).click();
  await expect(page.getByTestId('account-deleted')).toContainText('Account deleted');
  await shoot(page, '15-account-deleted');
  expect(sql(`SELECT count(*) FROM users WHERE telegram_id = 91006`).trim()).toBe('0');
  await context.close();
});
