import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hasHorizontalScroll, overflowingElements, screenshot, userWithProfile } from './helpers';

// Cards generated from words in a deck's add screen, against api-server and the fake LLM
// (e2e/fake-llm.mjs: a card for any word, HTTP 500 for "failword").
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let deckId = '';
const telegramId = 8_000_000_000 + Math.floor(Math.random() * 900_000_000);
const DECK = 'Испанский';

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  await userWithProfile(context, telegramId);
  // The deck and a card already in it, through the API as the same dev user.
  const login = await context.request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: 'Ева', language_code: 'ru' },
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const deck = await context.request.post('/api/decks', { headers, data: { name: DECK } });
  expect(deck.status()).toBe(201);
  deckId = ((await deck.json()) as { id: string }).id;
  const card = await context.request.post('/api/cards', { headers, data: { deck_id: deckId, front: 'gato', back: 'кот' } });
  expect(card.status()).toBe(201);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context.close();
});

const words = () => page.getByRole('textbox', { name: 'Слова или фразы' });
const row = (word: string) => page.locator(`.generate-row[data-word="${word}"]`);

test('four words: two cards created, one failed, one already in the deck', async () => {
  await page.goto(`/cards/${deckId}`);
  await expect(page.getByRole('heading', { name: DECK })).toBeVisible();
  await page.getByTestId('add-card').click();
  await page.getByRole('button', { name: 'Сгенерировать по словам' }).click();
  await expect(page).toHaveURL(/\/add\?mode=generate$/);
  const quota = page.getByTestId('generate-quota');
  await expect(quota).toHaveText(/Генераций на сегодня осталось: \d+ из \d+/);
  const [, leftBefore, max] = /(\d+) из (\d+)/.exec((await quota.textContent()) ?? '')?.map(Number) ?? [];

  await words().fill('casa\nperro, failword\ngato');
  await expect(page.getByTestId('generate-count')).toHaveText('Слов: 4 из 20');
  await screenshot(page, '70-generate-words');
  await page.locator('.primary-action button').click();

  // The duplicate is known before any LLM call; failword waits for api-server's retries.
  await expect(row('gato')).toHaveAttribute('data-status', 'duplicate');
  await expect(row('failword')).toHaveAttribute('data-status', 'pending');
  await expect(row('failword')).toContainText('в работе…');
  await screenshot(page, '71-generate-progress');

  await expect(page.getByTestId('generate-summary')).toHaveText('Создано: 2 · уже были: 1 · не удалось: 1', {
    timeout: 30_000,
  });
  await expect(row('casa')).toHaveAttribute('data-status', 'created');
  await expect(row('casa')).toContainText('casa — перевод casa');
  await expect(row('perro')).toHaveAttribute('data-status', 'created');
  await expect(row('perro')).toContainText('perro — перевод perro');
  await expect(row('failword')).toHaveAttribute('data-status', 'failed');
  await expect(row('gato')).toContainText('gato — кот');
  await expect(row('gato').getByRole('link', { name: 'Открыть карточку' })).toHaveAttribute('href', /\/cards\/card\//);
  await expect(quota).toHaveText(`Генераций на сегодня осталось: ${(leftBefore ?? 0) - 2} из ${max ?? 0}`);
  await screenshot(page, '72-generate-results');

  // The failed word can be sent again by itself.
  await page.getByRole('button', { name: 'Повторить для неудавшихся слов' }).click();
  await expect(words()).toHaveValue('failword');
});

test('the generated cards are listed in the deck', async () => {
  await page.goto(`/cards/${deckId}`);
  await expect(page.locator('.card-row[data-front]')).toHaveCount(3);
  await expect(page.locator('.card-row[data-front="casa"]')).toContainText('перевод casa');
  await expect(page.locator('.card-row[data-front="perro"]')).toContainText('перевод perro');
  await expect(page.locator('.card-row[data-front="gato"]')).toContainText('кот');
  await expect(page.locator('header [data-count="new"] strong')).toHaveText('3');
  await screenshot(page, '73-deck-generated');

  // A generated card has every field the LLM wrote.
  await page.locator('.card-row[data-front="casa"]').click();
  await expect(page.getByRole('textbox', { name: 'Пример', exact: true })).toHaveValue('Example with casa.');
});

test('the generate screen fits 320 px', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`/cards/${deckId}/add?mode=generate`);
  await expect(words()).toBeVisible();
  await words().fill('mesa');
  await page.locator('.primary-action button').click();
  await expect(page.getByTestId('generate-summary')).toHaveText('Создано: 1 · уже были: 0 · не удалось: 0');
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(await overflowingElements(page)).toEqual([]);
  await screenshot(page, '74-320-generate');
});
