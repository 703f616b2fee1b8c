import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hasHorizontalScroll, overflowingElements, screenshot, userWithProfile } from './helpers';

// Decks, cards by hand and a study session for one user, each step building on the last.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
const telegramId = 8_000_000_000 + Math.floor(Math.random() * 900_000_000);

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  // Four rating buttons (the setting editable in /profile), so Easy graduates a new card.
  await userWithProfile(context, telegramId, { rating_buttons: 4 });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context.close();
});

const deckRow = (name: string) => page.locator(`.deck-row[data-deck="${name}"]`);
const count = (scope: ReturnType<Page['locator']>, kind: 'new' | 'learning' | 'due') =>
  scope.locator(`[data-count="${kind}"] strong`);
const front = () => page.getByTestId('card-front');

async function addCard(fields: { front: string; back: string }): Promise<void> {
  await page.getByRole('textbox', { name: 'Слово или фраза *' }).fill(fields.front);
  await page.getByRole('textbox', { name: 'Перевод *' }).fill(fields.back);
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
}

test('Home shows a learner without cards the first steps, never "all done"', async () => {
  await page.goto('/');
  await expect(page.getByTestId('first-steps')).toBeVisible();
  await expect(page.getByTestId('first-add')).toBeVisible();
  await expect(page.getByTestId('first-import')).toBeVisible();
  await expect(page.getByTestId('study-total')).toHaveCount(0);
  await screenshot(page, '20-home-first-steps');
});

test('a deck is created and starts empty with "add a card"', async () => {
  await page.goto('/cards');
  await expect(page).toHaveURL(/\/cards$/);
  await expect(deckRow('Мои слова')).toContainText('основная');
  await screenshot(page, '21-decks');

  await page.getByRole('button', { name: '+ Новая колода' }).click();
  await page.getByRole('button', { name: 'Создать колоду' }).click();
  await expect(page.getByText('Введите название: от 1 до 100 символов.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Название *' }).fill('Путешествия');
  await page.getByRole('textbox', { name: 'Описание' }).fill('Слова для поездки в Берлин');
  await page.getByRole('button', { name: 'Создать колоду' }).click();

  await expect(page).toHaveURL(/\/cards\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Путешествия' })).toBeVisible();
  await expect(page.getByText('В колоде пока нет карточек.')).toBeVisible();
  await screenshot(page, '22-deck-empty');
});

test('cards are added by hand; a duplicate names the deck it is in', async () => {
  await page.getByTestId('add-card').click();
  await expect(page).toHaveURL(/\/add$/);
  await expect(page.getByText('Колода: Путешествия')).toBeVisible();

  await page.getByRole('textbox', { name: 'Слово или фраза *' }).fill('der Hund');
  await page.getByRole('textbox', { name: 'Перевод *' }).fill('собака');
  await page.getByText('Подробнее: грамматика, пример, заметки').click();
  await page.getByRole('textbox', { name: 'Словарная форма' }).fill('Hund');
  await page.getByRole('textbox', { name: 'Род или артикль' }).fill('der');
  await page.getByRole('button', { name: '+ Добавить форму' }).click();
  await page.getByRole('textbox', { name: 'Название формы 1' }).fill('plural');
  await page.getByRole('textbox', { name: 'Форма 1' }).fill('Hunde');
  await page.getByRole('textbox', { name: 'Пример', exact: true }).fill('Der Hund schläft.');
  await page.getByRole('textbox', { name: 'Перевод примера' }).fill('Собака спит.');
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Добавлено: der Hund');

  await addCard({ front: 'die Katze', back: 'кошка' });
  await expect(page.getByRole('status')).toHaveText('Добавлено: die Katze');
  await addCard({ front: 'das Haus', back: 'дом' });
  await expect(page.getByRole('status')).toHaveText('Добавлено: das Haus');

  // Same lemma as the first card: 409 DUPLICATE_CARD, shown with the card already there.
  await addCard({ front: 'Hund', back: 'пёс' });
  const duplicate = page.getByTestId('duplicate-card');
  await expect(duplicate).toContainText('Эта карточка уже есть в колоде «Путешествия»:');
  await expect(duplicate).toContainText('der Hund — собака');
  await screenshot(page, '23-card-add-duplicate');
});

test('the deck and the deck list count three new cards', async () => {
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Путешествия' })).toBeVisible();
  await expect(page.locator('.card-row')).toHaveCount(3);
  await expect(count(page.locator('header'), 'new')).toHaveText('3');
  await page.getByRole('searchbox', { name: 'Найти карточку' }).fill('hun');
  await expect(page.locator('.card-row')).toHaveCount(1);
  await expect(page.locator('.card-row')).toContainText('der Hund');
  await screenshot(page, '24-deck-search');
  await page.getByRole('searchbox', { name: 'Найти карточку' }).fill('');
  await expect(page.locator('.card-row')).toHaveCount(3);

  await page.goto('/cards');
  await expect(count(deckRow('Путешествия'), 'new')).toHaveText('3');
  await expect(deckRow('Путешествия')).toContainText('Всего карточек: 3');
  await screenshot(page, '25-decks-counts');

  await page.goto('/');
  await expect(page.getByTestId('study-action')).toHaveText('Учить · 3');
});

test('a full session: a lapse, an undo, Easy, the card coming back, and the summary', async () => {
  await page.getByTestId('study-action').click();
  await expect(page).toHaveURL(/\/study$/);
  await expect(page.getByTestId('left')).toHaveText('Осталось: 3');
  const first = (await front().textContent()) ?? '';
  await screenshot(page, '26-study-front');

  await page.keyboard.press('Space');
  await expect(page.getByTestId('card-back')).toBeVisible();
  const again = page.getByRole('button', { name: /Не знаю/ });
  await expect(again).toContainText('1 мин');
  await expect(page.getByRole('button', { name: /Легко/ })).toBeVisible();
  await screenshot(page, '27-study-back');

  // Again, then undo: the same card returns face up.
  await again.click();
  await expect(front()).not.toHaveText(first);
  await page.getByRole('button', { name: /Отменить ответ/ }).click();
  await expect(front()).toHaveText(first);
  await expect(page.getByTestId('card-back')).toBeVisible();

  // The lapse for real this time; the card will come back in a minute.
  await page.getByRole('button', { name: /Не знаю/ }).click();
  await expect(front()).not.toHaveText(first);
  await expect(page.getByTestId('left')).toHaveText('Осталось: 3');

  // Leaving mid-session asks first; "keep going" stays.
  await page.evaluate(() => history.back());
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Завершить тренировку?');
  await screenshot(page, '28-study-exit-confirm');
  await dialog.getByRole('button', { name: 'Продолжить' }).click();
  await expect(page).toHaveURL(/\/study$/);

  await page.keyboard.press('Space');
  await page.keyboard.press('4');
  await expect(page.getByTestId('left')).toHaveText('Осталось: 2');
  await page.getByRole('button', { name: 'Показать ответ', exact: true }).click();
  await page.getByRole('button', { name: /Легко/ }).click();

  // Only the lapsed card is left: with nothing else to study it is shown ahead of its
  // one-minute step (the server's learn-ahead limit, as in Anki), so nobody waits.
  await expect(front()).toHaveText(first, { timeout: 20_000 });
  await expect(page.getByTestId('left')).toHaveText('Осталось: 1');
  await screenshot(page, '29-study-learn-ahead');
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: /Легко/ }).click();

  const summary = page.getByTestId('study-summary');
  await expect(summary).toBeVisible();
  await expect(page.getByTestId('summary-reviewed')).toHaveText('4');
  await expect(page.getByTestId('summary-accuracy')).toHaveText('75%');
  await expect(page.getByTestId('summary-next')).toContainText('Следующее повторение');
  await screenshot(page, '30-study-summary');
});

test('after the session the deck list shows nothing left for today', async () => {
  await page.getByRole('link', { name: 'К карточкам' }).click();
  await expect(page).toHaveURL(/\/cards$/);
  const row = deckRow('Путешествия');
  await expect(count(row, 'new')).toHaveText('0');
  await expect(count(row, 'learning')).toHaveText('0');
  await expect(count(row, 'due')).toHaveText('0');
  await expect(row).toContainText('Всего карточек: 3');
  await screenshot(page, '31-decks-after-study');
});

test('a card is edited, moved to another deck and deleted', async () => {
  await deckRow('Путешествия').getByRole('link').first().click();
  await page.locator('.card-row[data-front="die Katze"]').click();
  await expect(page).toHaveURL(/\/cards\/card\//);
  await expect(page.getByRole('textbox', { name: 'Слово или фраза *' })).toHaveValue('die Katze');
  await page.getByRole('textbox', { name: 'Заметки' }).fill('мн. ч. die Katzen');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Сохранено' })).toBeVisible();
  await screenshot(page, '32-card-edit');

  await page.getByRole('combobox', { name: 'Перенести в другую колоду' }).selectOption({ label: 'Мои слова' });
  await page.getByRole('button', { name: 'Перенести', exact: true }).click();
  await expect(page.getByText('Карточка перенесена в «Мои слова».')).toBeVisible();
  await expect(page.getByText('Колода: Мои слова')).toBeVisible();

  await page.getByRole('button', { name: 'Удалить карточку' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Удалить карточку «die Katze»');
  await screenshot(page, '33-card-delete-confirm');
  await page.getByRole('button', { name: 'Да, удалить' }).click();
  await expect(page.getByRole('heading', { name: 'Мои слова' })).toBeVisible();
  await expect(page.getByText('В колоде пока нет карточек.')).toBeVisible();

  await page.goto('/cards');
  await expect(deckRow('Путешествия')).toContainText('Всего карточек: 2');
  await expect(deckRow('Мои слова')).toContainText('Всего карточек: 0');
});

test('every new screen fits 320 px', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/cards');
  const deckHref = await deckRow('Путешествия').getByRole('link').first().getAttribute('href');
  expect(deckHref).toMatch(/^\/cards\//);
  await page.goto(deckHref ?? '/cards');
  const cardHref = await page.locator('.card-row').first().getAttribute('href');
  const screens: [string, string][] = [
    ['/', '34-320-home'],
    ['/cards', '35-320-decks'],
    [deckHref ?? '/cards', '36-320-deck'],
    [`${deckHref ?? ''}/add`, '37-320-card-add'],
    [cardHref ?? '/cards', '38-320-card-edit'],
  ];
  for (const [path, name] of screens) {
    await page.goto(path);
    await expect(page.locator('main')).toBeVisible();
    await expect(page.locator('.skeleton')).toHaveCount(0);
    expect(await hasHorizontalScroll(page), `${path} scrolls horizontally`).toBe(false);
    expect(await overflowingElements(page), `${path} has clipped content`).toEqual([]);
    await screenshot(page, name);
  }

  // A fresh card to study at 320 px, front and back.
  await page.goto(`${deckHref ?? ''}/add`);
  await addCard({ front: 'die Sehenswürdigkeit', back: 'достопримечательность' });
  await expect(page.getByRole('status')).toHaveText('Добавлено: die Sehenswürdigkeit');
  await page.goto('/study');
  await expect(front()).toHaveText('die Sehenswürdigkeit');
  expect(await hasHorizontalScroll(page)).toBe(false);
  await screenshot(page, '39-320-study-front');
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: /Легко/ })).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(await overflowingElements(page)).toEqual([]);
  await screenshot(page, '40-320-study-back');
  await page.getByRole('button', { name: /Легко/ }).click();
  await expect(page.getByTestId('study-summary')).toBeVisible();
  expect(await overflowingElements(page)).toEqual([]);
  await screenshot(page, '41-320-study-summary');
});

test('a deck is deleted after a confirmation that counts its cards', async () => {
  await page.goto('/cards');
  await deckRow('Путешествия').getByRole('link').first().click();
  await page.getByRole('button', { name: 'Удалить колоду' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Вместе с ней удалятся карточки: 3.');
  await screenshot(page, '42-320-deck-delete-confirm');
  await page.getByRole('button', { name: 'Да, удалить' }).click();
  await expect(page).toHaveURL(/\/cards$/);
  await expect(deckRow('Путешествия')).toHaveCount(0);
  await expect(deckRow('Мои слова')).toBeVisible();
});
