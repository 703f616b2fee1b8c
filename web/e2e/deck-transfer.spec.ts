import { readFile } from 'node:fs/promises';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hasHorizontalScroll, overflowingElements, screenshot, userWithProfile } from './helpers';

// Export and import of one deck for one user, each step building on the last.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
const telegramId = 8_000_000_000 + Math.floor(Math.random() * 900_000_000);
const DECK = 'Экспорт';

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  await userWithProfile(context, telegramId);
  // The deck and two cards through the API, as the same dev user.
  const login = await context.request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: 'Ева', language_code: 'ru' },
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const deck = await context.request.post('/api/decks', { headers, data: { name: DECK } });
  expect(deck.status()).toBe(201);
  const { id: deckId } = (await deck.json()) as { id: string };
  for (const [front, back] of [
    ['der Hund', 'собака'],
    ['die Katze', 'кошка'],
  ]) {
    const card = await context.request.post('/api/cards', { headers, data: { deck_id: deckId, front, back } });
    expect(card.status()).toBe(201);
  }
  page = await context.newPage();
});

test.afterAll(async () => {
  await context.close();
});

const deckRow = (name: string) => page.locator(`.deck-row[data-deck="${name}"]`);

test('the deck is exported as CSV and as an Anki package', async () => {
  await page.goto('/cards');
  await deckRow(DECK).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: DECK })).toBeVisible();
  await expect(page.locator('.card-row')).toHaveCount(2);
  // The import says what it understands before a file is chosen.
  await expect(page.getByTestId('import-formats')).toContainText('перевод / translation');

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Экспорт CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe(`${DECK}.csv`);
  const text = await readFile((await csv.path()) ?? '', 'utf8');
  expect(text).toContain('der Hund');
  expect(text).toContain('кошка');
  await expect(page.getByText(`Файл готов: ${DECK}.csv`)).toBeVisible();

  const apkgDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Экспорт для Anki (.apkg)' }).click();
  const apkg = await apkgDownload;
  expect(apkg.suggestedFilename()).toBe(`${DECK}.apkg`);
  const bytes = await readFile((await apkg.path()) ?? '');
  // An .apkg is a zip archive.
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  await screenshot(page, '50-deck-export');
});

test('a TSV file is previewed, then imported into the deck (at 320 px)', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  const tsv = 'front\tback\nder Hund\tсобака\ndas Haus\tдом\ndie Blume\tцветок\n\tпусто\n';
  await page.getByTestId('import-file').setInputFiles({
    name: 'words.tsv',
    mimeType: 'text/tab-separated-values',
    buffer: Buffer.from(tsv, 'utf8'),
  });

  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('Будет добавлено карточек: 2');
  await expect(preview).toContainText('das Haus');
  await expect(preview).toContainText('die Blume');
  await expect(page.getByTestId('import-duplicates')).toContainText('Строка 2: der Hund');
  await expect(page.getByTestId('import-errors')).toContainText('Строка 5:');
  // Nothing is created by the dry run.
  await expect(page.locator('.card-row[data-front]')).toHaveCount(2);
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(await overflowingElements(page)).toEqual([]);
  await preview.scrollIntoViewIfNeeded();
  await screenshot(page, '51-320-deck-import-preview');

  await page.getByRole('button', { name: 'Импортировать карточки: 2' }).click();
  await expect(page.getByTestId('import-result')).toContainText('Импортировано карточек: 2');
  await expect(page.getByTestId('import-result')).toContainText('Пропущено строк: 2');
  await expect(page.locator('.card-row[data-front]')).toHaveCount(4);
  await expect(page.locator('.card-row[data-front="die Blume"]')).toBeVisible();
  await expect(page.locator('header [data-count="new"] strong')).toHaveText('4');
  await screenshot(page, '52-320-deck-import-done');

  await page.goto('/cards');
  await expect(deckRow(DECK)).toContainText('Всего карточек: 4');
});

test('a CSV with a Russian header is imported without the header as a card', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await deckRow(DECK).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: DECK })).toBeVisible();
  const csv = 'Слово;Перевод;Пример\nder Tisch;стол;Der Tisch ist neu.\nder Stuhl;стул;\n';
  await page.getByTestId('import-file').setInputFiles({
    name: 'слова.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('Будет добавлено карточек: 2');
  await expect(preview).toContainText('Der Tisch ist neu.');
  await expect(preview).not.toContainText('Слово');
  await page.getByRole('button', { name: 'Импортировать карточки: 2' }).click();
  await expect(page.getByTestId('import-result')).toContainText('Импортировано карточек: 2');
  await expect(page.locator('.card-row[data-front="der Tisch"]')).toBeVisible();
  await expect(page.locator('.card-row[data-front="Слово"]')).toHaveCount(0);
});

test('unclear columns are picked by hand, then imported as picked', async () => {
  const csv = 'Fenster,Substantiv,окно\nTür,Substantiv,дверь\nFENSTER,Substantiv,окошко\n';
  await page.getByTestId('import-file').setInputFiles({
    name: 'columns.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  const picker = page.getByTestId('import-picker');
  await expect(picker).toContainText('Не удалось понять столбцы файла');
  await expect(picker).toContainText('Substantiv');
  await page.getByRole('combobox', { name: 'Столбец 2' }).selectOption('ignore');
  await page.getByRole('combobox', { name: 'Столбец 3' }).selectOption('back');
  await screenshot(page, '53-deck-import-column-picker');
  await picker.getByRole('button', { name: 'Проверить с этими столбцами' }).click();

  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('Будет добавлено карточек: 2');
  await expect(page.getByTestId('import-duplicates')).toContainText('Строка 3: FENSTER — повтор строки 1');
  await page.getByRole('button', { name: 'Импортировать карточки: 2' }).click();
  await expect(page.getByTestId('import-result')).toContainText('Импортировано карточек: 2');
  await expect(page.locator('.card-row[data-front="Fenster"]')).toBeVisible();
  await expect(page.locator('.card-row[data-front="Fenster"]')).toContainText('окно');
});

test('an Anki package written by genanki is imported', async () => {
  const apkg = await readFile(new URL('../../crates/api/tests/api/data/genanki-basic.apkg', import.meta.url));
  await page.getByTestId('import-file').setInputFiles({ name: 'Tiere.apkg', mimeType: '', buffer: apkg });
  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('Колода Anki');
  // "der Hund" and "die Katze" are already in the deck (so is "DER HUND"); "der Vogel" has no
  // translation; the HTML, entities and the sound and image references are gone.
  await expect(preview).toContainText('Будет добавлено карточек: 2');
  await expect(preview).toContainText('café-Haus <3');
  await expect(page.getByTestId('import-errors')).toContainText('Строка 5: нет перевода');
  await expect(page.getByTestId('import-duplicates')).toContainText('Строка 1: der Hund — уже есть в ваших карточках');
  await expect(page.getByTestId('import-duplicates')).toContainText('Строка 4: DER HUND — уже есть в ваших карточках');
  await expect(page.getByTestId('import-apkg-fields')).toContainText('Слово берётся из поля «Wort», перевод — из поля «Übersetzung».');
  await screenshot(page, '54-deck-import-apkg-preview');
  // The note type has three fields, so they can be picked: the third goes into the notes.
  await preview.getByRole('button', { name: 'Изменить поля' }).click();
  const picker = page.getByTestId('import-picker');
  await expect(picker).toContainText('Какое поле заметки что содержит?');
  await expect(picker).toContainText('лошадь');
  await page.getByRole('combobox', { name: 'Audio' }).selectOption('notes');
  await screenshot(page, '55-deck-import-apkg-fields');
  expect(await overflowingElements(page)).toEqual([]);
  const checked = page.waitForRequest((r) => r.url().includes('columns=front%2Cback%2Cnotes'));
  await picker.getByRole('button', { name: 'Проверить с этими полями' }).click();
  await checked;
  await expect(preview).toContainText('Будет добавлено карточек: 2');
  await page.getByRole('button', { name: 'Импортировать карточки: 2' }).click();
  await expect(page.getByTestId('import-result')).toContainText('Импортировано карточек: 2');
  await expect(page.locator('.card-row[data-front="das Pferd"]')).toContainText('лошадь');
  await expect(page.locator('.card-row[data-front="café-Haus <3"]')).toBeVisible();
});
