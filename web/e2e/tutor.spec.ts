import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hasHorizontalScroll, overflowingElements, screenshot, userWithProfile } from './helpers';

// The tutor chat for one user against api-server and the fake LLM (e2e/fake-llm.mjs), each
// step building on the last.
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
const telegramId = 8_000_000_000 + Math.floor(Math.random() * 900_000_000);

/** What the fake LLM answers every tutor question with: the `answer` of its structured reply. */
const ANSWER = 'Отличный вопрос! «Casa» значит «дом».';
const QUESTION = 'Как по-испански «дом»?';

test.beforeAll(async ({ browser }) => {
  // "please fail" fails the next 3 LLM calls (all of one message's attempts), then succeeds.
  // The counter must start from its initial state, or the Retry step tests nothing.
  const fake = process.env.FAKE_LLM_URL;
  if (!fake) throw new Error('FAKE_LLM_URL is not set: run the specs through scripts/e2e.sh, which starts the fake LLM');
  context = await browser.newContext();
  await userWithProfile(context, telegramId);
  expect((await context.request.post(`${fake}/control`, { data: { reset: true } })).ok()).toBe(true);
  page = await context.newPage();
});

test.afterAll(async () => {
  // Not created when beforeAll stopped early.
  await context?.close();
});

const input = () => page.getByRole('textbox', { name: 'Сообщение репетитору' });
const userBubbles = () => page.locator('.chat-message[data-role="user"] .chat-bubble');
const answers = () => page.locator('.chat-message[data-role="assistant"][data-status="sent"]');

/** "left of max" from a quota line. */
async function quotaNumbers(text: Promise<string | null>): Promise<[number, number]> {
  const match = /(\d+) из (\d+)/.exec((await text) ?? '');
  expect(match, 'a quota "N из M"').not.toBeNull();
  return [Number(match?.[1]), Number(match?.[2])];
}

test('Home shows today’s AI quotas and opens the tutor', async () => {
  await page.goto('/');
  await expect(page.getByTestId('quota-messages')).toContainText(/Сообщения репетитору\s*0 из \d+/);
  await expect(page.getByTestId('quota-generation')).toContainText(/Генерация карточек\s*0 из \d+/);
  await expect(page.getByTestId('quota-reset')).toContainText('Обновление:');
  await screenshot(page, '60-home-quotas');

  await page.getByTestId('tutor-action').click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByRole('heading', { name: 'Репетитор' })).toBeVisible();
  await expect(page.getByText(/Спросите репетитора о чём угодно/)).toBeVisible();
  await screenshot(page, '61-chat-empty');
});

test('the answer appears as it streams, then in full, never the structured reply around it', async () => {
  const [leftBefore, max] = await quotaNumbers(page.getByTestId('chat-quota').textContent());
  // Every text the streaming bubble shows, and whether the typing dots came first.
  await page.evaluate(() => {
    const seen = window as unknown as { streamed: string[]; typing: boolean };
    seen.streamed = [];
    seen.typing = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="chat-streaming"] [data-testid="typing"]')) seen.typing = true;
      const text = document.querySelector('[data-testid="chat-streaming"] p.chat-bubble')?.textContent;
      if (text && seen.streamed.at(-1) !== text) seen.streamed.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await input().fill(QUESTION);
  await input().press('Enter');
  // The message is shown at once, before any answer.
  await expect(userBubbles().last()).toHaveText(QUESTION);
  await expect(input()).toHaveValue('');
  await expect(answers().last().locator('.chat-bubble')).toHaveText(ANSWER);
  await expect(page.getByTestId('chat-streaming')).toHaveCount(0);

  const { streamed, typing } = await page.evaluate(() => {
    const seen = window as unknown as { streamed: string[]; typing: boolean };
    return { streamed: seen.streamed, typing: seen.typing };
  });
  expect(typing, 'the typing indicator showed before the first piece').toBe(true);
  expect(
    streamed.some((text) => text.trim().length > 0 && text.length < ANSWER.length && ANSWER.startsWith(text)),
    `some text was visible before the full answer: ${JSON.stringify(streamed)}`,
  ).toBe(true);
  expect(streamed.filter((text) => text.includes('{') || text.includes('"answer"'))).toEqual([]);
  await expect(page.locator('main')).not.toContainText('"answer"');
  await expect(page.locator('main')).not.toContainText('translation');

  const [leftAfter, maxAfter] = await quotaNumbers(page.getByTestId('chat-quota').textContent());
  expect([leftAfter, maxAfter]).toEqual([leftBefore - 1, max]);
  await screenshot(page, '62-chat-answer');
});

test('a suggested word becomes a card with one tap', async () => {
  const chip = page.locator('.word-chip[data-word="la casa"]');
  await expect(chip).toContainText('дом');
  await chip.click();
  await expect(page.locator('.word-chip[data-word="la casa"][data-state="added"]')).toContainText('добавлено');
  await screenshot(page, '63-chat-word-added');
});

test('a failed answer is marked, and Retry gets it', async () => {
  await input().fill('please fail');
  await input().press('Enter');
  const failed = page.getByTestId('chat-failed');
  // api-server tries three times with backoff before it gives up.
  await expect(failed).toBeVisible({ timeout: 30_000 });
  await expect(failed).toContainText('Ответа нет');
  await expect(page.locator('.chat-message[data-status="failed"] .chat-bubble')).toHaveText('please fail');
  await screenshot(page, '64-chat-failed');

  await failed.getByRole('button', { name: 'Повторить' }).click();
  await expect(failed).toHaveCount(0);
  await expect(answers()).toHaveCount(2);
  await expect(answers().last().locator('.chat-bubble')).toHaveText(ANSWER);
  await expect(userBubbles()).toHaveText([QUESTION, 'please fail']);
});

test('after a reload the history is there, and the word is already in the cards', async () => {
  await page.reload();
  await expect(userBubbles()).toHaveText([QUESTION, 'please fail']);
  await expect(answers()).toHaveCount(2);
  await expect(answers().first().locator('.chat-bubble')).toHaveText(ANSWER);
  await expect(page.getByTestId('chat-unanswered')).toHaveCount(0);

  // A second tap on the same word: 409 DUPLICATE_CARD, shown as "already in cards".
  await page.locator('.word-chip[data-word="la casa"]').first().click();
  await expect(page.locator('.word-chip[data-word="la casa"][data-state="exists"]')).toContainText('уже в карточках');
});

test('the card from the chat is in the default deck', async () => {
  await page.goto('/cards');
  await page.locator('.deck-row[data-deck="Мои слова"]').getByRole('link').first().click();
  const row = page.locator('.card-row[data-front="la casa"]');
  await expect(row).toContainText('дом');
  await screenshot(page, '65-deck-card-from-chat');
});

test('the chat fits 320 px', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/chat');
  await expect(answers()).toHaveCount(2);
  await expect(page.locator('.skeleton')).toHaveCount(0);
  expect(await hasHorizontalScroll(page), '/chat scrolls horizontally').toBe(false);
  expect(await overflowingElements(page), '/chat has clipped content').toEqual([]);
  await screenshot(page, '66-320-chat');
  await page.goto('/');
  await expect(page.getByTestId('llm-quotas')).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(await overflowingElements(page)).toEqual([]);
  await screenshot(page, '67-320-home-quotas');
});

test('the history is cleared after a confirmation', async () => {
  await page.goto('/chat');
  await expect(answers()).toHaveCount(2);
  await page.getByRole('button', { name: 'Очистить историю' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Удалить всю переписку с репетитором?');
  await screenshot(page, '68-chat-clear-confirm');
  await dialog.getByRole('button', { name: 'Удалить' }).click();
  await expect(page.getByText(/Спросите репетитора о чём угодно/)).toBeVisible();
  await expect(page.locator('.chat-message')).toHaveCount(0);

  await page.reload();
  await expect(page.getByText(/Спросите репетитора о чём угодно/)).toBeVisible();
  await expect(page.locator('.chat-message')).toHaveCount(0);
});

test('Stop ends an answer midway; the server still saves it', async () => {
  await page.goto('/chat');
  await expect(page.getByText(/Спросите репетитора о чём угодно/)).toBeVisible();
  await input().fill('Стоп-вопрос');
  await input().press('Enter');
  // Stop shows from the typing dots on. Pressed once the answer has begun (so the server has
  // the message), with most of the fake answer's second of streaming still to come.
  await expect(page.getByTestId('chat-stop')).toBeVisible();
  await expect(page.locator('[data-testid="chat-streaming"] p.chat-bubble')).not.toBeEmpty();
  await page.getByTestId('chat-stop').click();
  const failed = page.getByTestId('chat-failed');
  await expect(failed).toContainText('Ответ остановлен.');
  await expect(failed.getByRole('button', { name: 'Повторить' })).toBeEnabled();
  await expect(page.getByTestId('chat-streaming')).toHaveCount(0);
  await screenshot(page, '69-chat-stopped');

  // The server finishes the answer anyway: the history has it.
  await expect
    .poll(
      async () => {
        await page.reload();
        await expect(page.locator('.skeleton')).toHaveCount(0);
        return answers().count();
      },
      { timeout: 20_000, intervals: [1_000] },
    )
    .toBe(1);
  await expect(userBubbles()).toHaveText(['Стоп-вопрос']);
  await expect(answers().locator('.chat-bubble')).toHaveText(ANSWER);
});
