import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, userWithProfile } from './helpers';

// Topics and exercises in the Mini App against api-server and the fake LLM (e2e/fake-llm.mjs):
// topics suggested and added, a warm-up answered wrong on one topic, a mixed session on another
// (multiple choice, a free-text answer after a hint that is wrong and whose word becomes a card,
// a gap filled right), the summary pointing at the weaker topic, then the history and the
// accuracy on the topic list. Each screen at 390×844 in light and dark, and checked at 320 px.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let context: BrowserContext;
let page: Page;
const telegramId = 8_400_000_000 + Math.floor(Math.random() * 90_000_000);

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  await userWithProfile(context, telegramId);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
});

/** The screen in light and dark at 390 px, then the same checked for fit at 320 px. */
async function shoot(name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `exercises-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 320 px`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out at 320 px`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
}

const topicRow = (name: string) => page.locator(`li[data-topic="${name}"]`);

async function startWith(count: number): Promise<void> {
  const value = page.getByTestId('session-count');
  await expect(value).toHaveText('5');
  for (let n = 5; n > count; n -= 1) await page.getByRole('button', { name: 'Меньше' }).click();
  await expect(value).toHaveText(String(count));
}

test('topics are suggested by the AI and added with a tap', async () => {
  await page.goto('/');
  await page.getByTestId('exercises-action').click();
  await expect(page).toHaveURL(/\/exercises$/);
  await expect(page.getByText(/Тем пока нет/)).toBeVisible();
  await shoot('empty');

  await page.getByTestId('suggest-topics').click();
  const suggestions = page.getByTestId('topic-suggestions');
  await expect(suggestions.locator('[data-suggestion]')).toHaveCount(6);
  await shoot('suggestions');
  for (const name of ['Глагол sein', 'В кафе']) {
    const button = suggestions.locator(`[data-suggestion="${name}"]`);
    await button.click();
    await expect(button).toHaveAttribute('data-state', 'added');
  }
  await page.getByRole('button', { name: 'Скрыть' }).click();

  // The first topic added became the active one.
  await expect(topicRow('Глагол sein')).toContainText('активная');
  await expect(topicRow('В кафе')).toContainText('Ещё не практиковались');
  await expect(page.getByTestId('practice')).toContainText('Активная тема: Глагол sein');
  await shoot('topics');
});

test('a warm-up answered wrong on one topic', async () => {
  await topicRow('В кафе').getByRole('link', { name: 'Практиковать' }).click();
  await expect(page).toHaveURL(/\/exercises\/session\?topic=[0-9a-f-]{36}$/);
  await startWith(1);
  await page.getByLabel('Какие задания').selectOption('translate');
  await expect(page.getByTestId('exercises-quota')).toContainText('Осталось заданий на сегодня: 30 из 30');
  await shoot('setup');
  await page.getByRole('button', { name: 'Начать: 1 задание' }).click();

  await expect(page.getByTestId('exercise-prompt')).toHaveText('Я устал.');
  await page.getByLabel('Ваш ответ').fill('wrong');
  await page.getByRole('button', { name: 'Проверить' }).click();
  await expect(page.getByTestId('exercise-result')).toHaveAttribute('data-result', 'incorrect');
  await page.getByRole('button', { name: 'Итоги' }).click();
  await expect(page.getByTestId('summary-accuracy')).toHaveText('0%');
});

test('a mixed session: a choice, a hint and a wrong answer whose word becomes a card, a gap; the summary points at the weaker topic', async () => {
  await page.goto('/exercises');
  await page.getByTestId('practice-start').click();
  await startWith(3);
  await page.getByRole('button', { name: 'Начать: 3 задания' }).click();

  // 1. Multiple choice.
  await expect(page.getByTestId('exercise-prompt')).toHaveText('Du ___ mein Freund.');
  await expect(page.getByTestId('exercises-left')).toHaveText('Осталось: 3');
  await expect(page.getByTestId('session-topic')).toContainText('Тема: Глагол sein');
  await page.getByRole('radio', { name: 'bist' }).click();
  await expect(page.getByRole('radio', { name: 'bist' })).toHaveAttribute('aria-checked', 'true');
  await shoot('choice');
  await page.getByRole('button', { name: 'Проверить' }).click();
  const result = page.getByTestId('exercise-result');
  await expect(result).toHaveAttribute('data-result', 'correct');
  await expect(page.getByTestId('exercises-left')).toHaveText('Осталось: 2');
  await shoot('result-correct');
  await page.getByRole('button', { name: 'Дальше' }).click();

  // 2. Free text: a hint, then a wrong answer.
  await expect(page.getByTestId('exercise-prompt')).toHaveText('Я устал.');
  await page.getByRole('button', { name: /Подсказка/ }).click();
  await expect(page.getByTestId('exercise-hint')).toHaveText(/Подсказка: Глагол sein/);
  await page.getByLabel('Ваш ответ').fill('Ich habe wrong');
  await shoot('free-text');
  await page.getByRole('button', { name: 'Проверить' }).click();
  await expect(result).toHaveAttribute('data-result', 'incorrect');
  await expect(result).toContainText('Неверно');
  await expect(result).toContainText('с подсказкой');
  await expect(result.getByTestId('correct-answer')).toHaveText('Ich bin müde.');
  await expect(result.getByTestId('alternatives')).toHaveText('Ich bin erschöpft.');
  await expect(result.getByTestId('explanation')).toHaveText('Это не то, что нужно: проверьте форму глагола.');
  await expect(result.locator('.mistake')).toContainText('Ich bin müde.');
  const chip = result.locator('[data-word="müde"]');
  await chip.click();
  await expect(result.locator('[data-word="müde"]')).toHaveAttribute('data-state', 'added');
  await shoot('result-incorrect');
  await page.getByRole('button', { name: 'Дальше' }).click();

  // 3. A gap filled right (an exact match: no model needed).
  await expect(page.getByTestId('exercise-prompt')).toHaveText('Wir ___ (sein) zu Hause.');
  await page.getByLabel('Ваш ответ').fill('sind');
  await page.getByLabel('Ваш ответ').press('Enter');
  await expect(result).toHaveAttribute('data-result', 'correct');
  await page.getByRole('button', { name: 'Итоги' }).click();

  const summary = page.getByTestId('exercise-summary');
  await expect(summary.getByTestId('summary-correct')).toHaveText('2');
  await expect(summary.getByTestId('summary-partial')).toHaveText('0');
  await expect(summary.getByTestId('summary-incorrect')).toHaveText('1');
  await expect(summary.getByTestId('summary-accuracy')).toHaveText('67%');
  const weakest = summary.getByTestId('weakest-topic');
  await expect(weakest).toContainText('Слабее всего пока тема «В кафе»: 0%.');
  await shoot('summary');
  await weakest.getByRole('button', { name: 'Потренировать «В кафе»' }).click();
  await expect(page.getByRole('region', { name: 'Новая тренировка' })).toContainText('В кафе');

  // The missed word is a card in the default deck.
  await page.goto('/cards');
  await page.getByRole('link', { name: /Мои слова/ }).first().click();
  await expect(page.getByText('müde')).toBeVisible();
  await expect(page.getByText('усталый')).toBeVisible();
});

test('the topic list shows accuracy and the history lists the attempts', async () => {
  await page.goto('/exercises');
  await expect(topicRow('Глагол sein').getByTestId('topic-accuracy')).toHaveText('Точность 67% · 3 попытки');
  await expect(topicRow('В кафе').getByTestId('topic-accuracy')).toHaveText('Точность 0% · 1 попытка');
  await shoot('topics-practised');

  await page.getByRole('tab', { name: 'История' }).click();
  await expect(page).toHaveURL(/\?tab=history$/);
  const attempts = page.getByTestId('attempt');
  await expect(attempts).toHaveCount(4);
  // Newest first.
  await expect(attempts.first()).toContainText('Wir ___ (sein) zu Hause.');
  await attempts.nth(1).getByText('Объяснение').click();
  await expect(attempts.nth(1)).toContainText('Это не то, что нужно');
  await shoot('history');

  await page.getByLabel('Результат').selectOption('incorrect');
  await expect(attempts).toHaveCount(2);
  await page.getByLabel('Тема').selectOption({ label: 'В кафе' });
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toContainText('Ваш ответ: wrong');
  await shoot('history-filtered');
});

test('an expired exercise and a used-up quota are said in Russian', async () => {
  // The server's answers for an exercise past its 30 minutes and for a day's quota used up,
  // played back by the browser so the spec need not wait half an hour or spend 30 exercises.
  await page.route('**/api/exercises/*/submit', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'EXERCISE_NOT_FOUND', message: 'expired', request_id: 'e2e' } }),
    }),
  );
  await page.goto('/exercises');
  await page.getByTestId('practice-start').click();
  await startWith(1);
  await page.getByRole('button', { name: 'Начать: 1 задание' }).click();
  await expect(page.getByTestId('exercise-prompt')).toBeVisible();
  await page.getByRole('radio').first().click();
  await page.getByRole('button', { name: 'Проверить' }).click();
  const expired = page.getByTestId('exercise-expired');
  await expect(expired).toContainText('Время на задание истекло');
  await shoot('expired');
  await page.unroute('**/api/exercises/*/submit');

  await page.route('**/api/exercises/generate', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'QUOTA_EXCEEDED',
          message: 'quota',
          details: { kind: 'exercises', used: 30, max: 30, reset_at: new Date(Date.now() + 3_600_000).toISOString() },
          request_id: 'e2e',
        },
      }),
    }),
  );
  await expired.getByRole('button', { name: 'Новая тренировка' }).click();
  await page.getByRole('button', { name: /Начать: / }).click();
  await expect(page.getByTestId('exercise-quota')).toContainText('Сегодня использовано 30 из 30 заданий.');
  await shoot('quota');
  await page.unroute('**/api/exercises/generate');
});
