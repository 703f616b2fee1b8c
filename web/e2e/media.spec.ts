import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, userWithProfile } from './helpers';

// Voice and photos in the Mini App against api-server and the fake LLM (e2e/fake-llm.mjs): a
// menu photographed and three of its words added, and a question asked by holding the
// microphone. Chromium runs with a fake microphone (playwright.config.ts).
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let context: BrowserContext;
let page: Page;
const telegramId = 8_300_000_000 + Math.floor(Math.random() * 90_000_000);

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ permissions: ['microphone'] });
  await userWithProfile(context, telegramId);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
});

async function shoot(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
}

/** A photographed menu: a PNG drawn in the page, as a camera would hand it over. */
async function menuPhoto(): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 640;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = '#f4ecd8';
    ctx.fillRect(0, 0, 480, 640);
    ctx.fillStyle = '#3b2f2f';
    ctx.font = 'bold 44px serif';
    ctx.fillText('Menú del día', 90, 90);
    ctx.font = '32px serif';
    ['la casa de comidas', 'sopa de ajo', 'pan', 'flan'].forEach((line, i) => ctx.fillText(line, 60, 200 + i * 80));
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
}

test('a menu photo offers its words; three ticked words become cards in the deck', async () => {
  await page.goto('/cards');
  await page.getByRole('link', { name: /Мои слова/ }).first().click();
  await expect(page).toHaveURL(/\/cards\/[0-9a-f-]{36}$/);
  await page.getByTestId('add-card').click();
  await page.getByRole('button', { name: 'Слова с фото' }).click();
  await expect(page).toHaveURL(/\?mode=photo$/);
  await expect(page.getByText(/Сфотографируйте меню/)).toBeVisible();
  await shoot('media-photo-empty');

  // A file that only calls itself a picture is refused by the server, by its bytes.
  await page.getByTestId('photo-gallery').setInputFiles({ name: 'menu.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture at all') });
  await page.getByRole('button', { name: 'Найти слова' }).click();
  await expect(page.getByText('Это не похоже на фото: подойдут JPEG, PNG или WebP.')).toBeVisible();
  await page.getByRole('button', { name: 'Убрать фото 1' }).click();

  await page.getByTestId('photo-camera').setInputFiles({ name: 'IMG_0042.png', mimeType: 'image/png', buffer: await menuPhoto() });
  await expect(page.getByRole('img', { name: 'Фото 1' })).toBeVisible();
  await expect(page.getByTestId('photo-cost')).toContainText('Осталось сегодня:');
  await shoot('media-photo-picked');
  await page.getByRole('button', { name: 'Найти слова' }).click();

  const result = page.getByTestId('photo-result');
  await expect(result).toContainText('Menú del día');
  for (const word of ['la sopa', 'el pan', 'el flan']) {
    await result.locator(`[data-word="${word}"]`).getByRole('checkbox').check();
  }
  await shoot('media-photo-words');
  await page.getByRole('button', { name: 'Добавить 3 слова' }).click();
  await expect(page.getByTestId('photo-added')).toHaveText('Добавлено 3 слова в «Мои слова».');
  for (const word of ['la sopa', 'el pan', 'el flan']) {
    await expect(result.locator(`[data-word="${word}"]`)).toHaveAttribute('data-state', 'added');
  }
  await expect(result.locator('[data-word="la casa"]')).toHaveAttribute('data-state', 'idle');
  await shoot('media-photo-added');

  // The cards are in the deck, made from the photo.
  await page.goBack();
  await expect(page.getByText('la sopa')).toBeVisible();
  await expect(page.getByText('el flan')).toBeVisible();

  // Read again, the added words are no longer offered.
  await page.getByTestId('add-card').click();
  await page.getByRole('button', { name: 'Слова с фото' }).click();
  await page.getByTestId('photo-gallery').setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: await menuPhoto() });
  await page.getByRole('button', { name: 'Найти слова' }).click();
  await expect(result.locator('[data-word]')).toHaveCount(1);
  await expect(result.locator('[data-word="la casa"]')).toBeVisible();
});

test('a question asked by holding the microphone is answered by the tutor', async () => {
  await page.goto('/chat');
  const button = page.getByRole('button', { name: 'Удерживайте, чтобы спросить голосом' });
  await expect(button).toBeEnabled();

  // A tap is not a question.
  await button.click();
  await expect(page.getByTestId('voice-status')).toHaveText('Слишком коротко: удерживайте кнопку, пока говорите.');

  await button.hover();
  await page.mouse.down();
  await expect(page.getByTestId('voice-status')).toContainText('Запись 0:0');
  await page.waitForTimeout(1_500);
  await shoot('media-voice-recording');
  await page.mouse.up();

  await expect(page.locator('.chat-message[data-role="user"] .chat-bubble').last()).toHaveText('¿Cómo se dice «la casa»?');
  await expect(page.locator('.chat-message[data-role="assistant"][data-status="sent"]').last()).toContainText('«Casa» значит «дом»', { timeout: 30_000 });
  await shoot('media-voice-answered');

  // Charged as the server counts: one voice message; two photo readings and the answer as
  // tutor messages (the refused file cost nothing).
  const login = await context.request.post('/api/auth/dev-login', { data: { telegram_id: telegramId, first_name: 'Ева' } });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const me = (await (await context.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).json()) as {
    limits: { voice: { used: number }; messages: { used: number } };
  };
  expect(me.limits.voice.used).toBe(1);
  expect(me.limits.messages.used).toBe(3);
});

test('a deep link (startapp) opens the study session, an exercise session or a card', async () => {
  await page.goto('/?startapp=study');
  await expect(page).toHaveURL(/\/study$/);
  await page.goto('/?startapp=exercise');
  await expect(page).toHaveURL(/\/exercises\/session$/);
  await page.goto('/?startapp=card_not-a-card');
  await expect(page).toHaveURL(/\/\?startapp=card_not-a-card$/);
});
