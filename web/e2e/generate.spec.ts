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
  // Every state failword's row goes through, however fast the run is.
  await page.evaluate(() => {
    const seen = window as unknown as { failwordStates: string[] };
    seen.failwordStates = [];
    const record = () => {
      const status = document.querySelector('.generate-row[data-word="failword"]')?.getAttribute('data-status');
      if (status && seen.failwordStates.at(-1) !== status) seen.failwordStates.push(status);
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status'],
    });
  });
  await page.locator('.primary-action button').click();

  // The duplicate is known before any LLM call.
  await expect(row('gato')).toHaveAttribute('data-status', 'duplicate');
  await screenshot(page, '71-generate-progress');

  await expect(page.getByTestId('generate-summary')).toHaveText('Создано: 2 · уже были: 1 · не удалось: 1', {
    timeout: 30_000,
  });
  await expect(row('casa')).toHaveAttribute('data-status', 'created');
  await expect(row('casa')).toContainText('casa — перевод casa');
  await expect(row('perro')).toHaveAttribute('data-status', 'created');
  await expect(row('perro')).toContainText('perro — перевод perro');
  await expect(row('failword')).toHaveAttribute('data-status', 'failed');
  // failword waited (in progress, then failed while the others were saved), and never
  // looked like a card.
  const states = await page.evaluate(() => (window as unknown as { failwordStates: string[] }).failwordStates);
  expect(states.at(0), `failword's states: ${JSON.stringify(states)}`).toBe('pending');
  expect(states.at(-1)).toBe('failed');
  expect(states.filter((state) => !['pending', 'failing', 'failed'].includes(state))).toEqual([]);
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

test('a run left midway is offered on coming back, and shows the server’s first result', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/cards/${deckId}`);
  await page.getByTestId('add-card').click();
  await page.getByRole('button', { name: 'Сгенерировать по словам' }).click();
  // failword takes api-server's retries, so the run lasts a few seconds.
  await words().fill('silla\nfailword');
  await page.locator('.primary-action button').click();
  await expect(row('failword')).toHaveAttribute('data-status', /^(pending|failing)$/);
  // The mode cannot be switched away from a running generation.
  await expect(page.getByRole('button', { name: 'Вручную' })).toBeDisabled();

  // Back to the deck (in-app navigation) while it runs, then into the add screen again.
  await page.goBack();
  await expect(page.getByRole('heading', { name: DECK })).toBeVisible();
  await page.getByTestId('add-card').click();
  await page.getByRole('button', { name: 'Сгенерировать по словам' }).click();
  const offer = page.getByTestId('generate-pending');
  await expect(offer).toContainText('silla, failword');
  await screenshot(page, '75-generate-left-midway');
  await offer.getByRole('button', { name: 'Показать результат' }).click();

  // The first run's own result (a second run would find silla already there).
  await expect(page.getByTestId('generate-summary')).toHaveText('Создано: 1 · уже были: 0 · не удалось: 1', {
    timeout: 30_000,
  });
  await expect(row('silla')).toHaveAttribute('data-status', 'created');
  await expect(row('failword')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('generate-pending')).toHaveCount(0);

  // The deck list was refreshed once the result came: the new card is counted.
  await page.goBack();
  await expect(page.locator('.card-row[data-front="silla"]')).toContainText('перевод silla');
});
