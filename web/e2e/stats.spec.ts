import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, sql, userWithProfile } from './helpers';

// Stats after activity: a new learner's empty stats, then cards added and studied through the UI,
// exercises answered through the API (the fake LLM writes and grades them), past study days
// written into daily_activity, and two notifications. Home's streak chip and bell, /stats (the
// streak, the 12-week calendar, reviews per day, accuracy by topic), the period switch and the
// notifications sheet; /stats and the sheet at 390×844 in light and dark, checked at 320 px.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let context: BrowserContext;
let page: Page;
let headers: Record<string, string>;
const telegramId = 8_500_000_000 + Math.floor(Math.random() * 90_000_000);
const WORDS = ['der Hund', 'die Katze', 'das Haus', 'der Baum'];

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  // Four rating buttons, so Easy graduates each new card at once.
  await userWithProfile(context, telegramId, { rating_buttons: 4 });
  headers = await tokenOf(context.request);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
});

async function tokenOf(request: APIRequestContext): Promise<Record<string, string>> {
  const login = await request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: 'Ева', language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { authorization: `Bearer ${token}` };
}

/** The screen in light and dark at 390 px, then checked for fit (and shot if asked) at 320 px. */
async function shoot(name: string, { fullPage = true, narrowShot = false } = {}): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `stats-${name}-${scheme}.png`), fullPage });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  if (narrowShot) await page.screenshot({ path: join(SCREENSHOTS, `stats-${name}-320-light.png`), fullPage });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 320 px`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out at 320 px`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The learner's study day now, as the server counts it. */
async function today(): Promise<string> {
  const response = await context.request.get('/api/stats/streak', { headers });
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { today: string }).today;
}

const ids = () => {
  const [userId, profileId] = sql(
    `SELECT u.id, p.id FROM users u JOIN language_profiles p ON p.user_id = u.id WHERE u.telegram_id = ${telegramId}`,
  )
    .trim()
    .split('|');
  return { userId: userId ?? '', profileId: profileId ?? '' };
};

test('a learner without activity is told how to start', async () => {
  await page.goto('/');
  await expect(page.getByTestId('streak-chip')).toHaveText(/Начните серию сегодня/);
  await expect(page.getByTestId('notifications-bell')).toHaveAccessibleName('Уведомления');
  await page.getByTestId('streak-chip').click();
  await expect(page).toHaveURL(/\/stats$/);
  const empty = page.getByTestId('stats-empty');
  await expect(empty).toContainText('Статистика появится после первых занятий');
  await expect(page.getByTestId('stats-empty-action')).toHaveText('Добавить слова');
  await shoot('empty');
});

test('cards added and studied through the app, exercises answered, past days on record', async () => {
  for (const front of WORDS) {
    const response = await context.request.post('/api/cards', { headers, data: { front, back: `перевод ${front}` } });
    expect(response.status()).toBe(201);
  }
  await page.goto('/');
  await page.getByTestId('study-action').click();
  await expect(page).toHaveURL(/\/study$/);
  for (let left = WORDS.length; left > 0; left -= 1) {
    await expect(page.getByTestId('left')).toHaveText(`Осталось: ${left}`);
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: /Легко/ }).click();
  }
  await expect(page.getByTestId('study-summary')).toBeVisible();

  // Two topics: all right on one, half on the other.
  const topic = async (name: string, kind: string) => {
    const response = await context.request.post('/api/topics', { headers, data: { name, kind } });
    expect(response.status()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const generate = async (topicId: string, kind: string) => {
    const response = await context.request.post('/api/exercises/generate', { headers, data: { topic_id: topicId, count: 2, kind } });
    expect(response.ok()).toBe(true);
    return ((await response.json()) as { exercises: { id: string }[] }).exercises.map((e) => e.id);
  };
  const submit = async (exerciseId: string, data: Record<string, unknown>, expected: string) => {
    const response = await context.request.post(`/api/exercises/${exerciseId}/submit`, { headers, data: { duration_ms: 20_000, ...data } });
    expect(response.ok()).toBe(true);
    expect(((await response.json()) as { result: string }).result).toBe(expected);
  };
  const sein = await topic('Глагол sein', 'grammar');
  for (const id of await generate(sein, 'multiple_choice')) await submit(id, { choice: 1 }, 'correct');
  const cafe = await topic('В кафе', 'situation');
  const [wrong, right] = await generate(cafe, 'translate');
  await submit(wrong ?? '', { answer: 'wrong' }, 'incorrect');
  await submit(right ?? '', { answer: 'Ich bin müde.' }, 'correct');

  // Earlier study days: the four before today (a streak of five with today), a week-long run a
  // month ago (the best) and a few single days of every level.
  const day = await today();
  const { userId, profileId } = ids();
  const rows: [number, number, number, number][] = [
    // days before today, reviews, exercises, cards added
    [-1, 12, 2, 0],
    [-2, 8, 0, 3],
    [-3, 22, 3, 0],
    [-4, 5, 0, 0],
    [-10, 35, 0, 0],
    [-20, 14, 0, 0],
    ...[24, 25, 26, 27, 28, 29, 30].map((n): [number, number, number, number] => [-n, 4, 1, 0]),
    [-45, 2, 0, 0],
    [-70, 31, 0, 5],
  ];
  const values = rows
    .map(
      ([offset, reviews, exercises, added]) =>
        `(gen_random_uuid(), '${userId}', '${profileId}', '${addDays(day, offset)}', ${reviews}, ${added}, ${exercises}, ${(reviews + exercises) * 30})`,
    )
    .join(', ');
  sql(
    `INSERT INTO daily_activity (id, user_id, profile_id, local_date, cards_reviewed, cards_added, exercises_done, seconds_spent) VALUES ${values}`,
  );
  // A reminder the notifier wrote this evening and an older one already read.
  sql(
    `INSERT INTO notifications (id, user_id, kind, title, body, payload, read_at, created_at) VALUES
     (gen_random_uuid(), '${userId}', 'streak_reminder', 'Пора позаниматься', 'Серия 4 дня: позанимайтесь сегодня, чтобы её не прервать.', NULL, NULL, now() - interval '25 minutes'),
     (gen_random_uuid(), '${userId}', 'streak_reminder', 'Пора позаниматься', 'Серия 3 дня: позанимайтесь сегодня, чтобы её не прервать.', NULL, now() - interval '1 day', now() - interval '1 day 2 hours')`,
  );
});

test('Home shows the streak and the unread notification; the chip leads to the stats', async () => {
  await page.goto('/');
  const chip = page.getByTestId('streak-chip');
  await expect(chip).toContainText('5 дней');
  await expect(chip).toContainText('сегодня засчитано');
  await expect(page.getByTestId('notifications-bell')).toHaveAccessibleName('Уведомления: 1 непрочитанное');
  await expect(page.getByTestId('unread-badge')).toHaveText('1');
  await expect(page.getByTestId('stats-action')).toHaveAttribute('href', '/stats');
  await shoot('home');
  await chip.click();
  await expect(page).toHaveURL(/\/stats$/);
});

test('the stats: streak, calendar, reviews per day and accuracy by topic', async () => {
  const day = await today();
  await expect(page.getByTestId('streak-current')).toHaveText('5 дней подряд');
  await expect(page.getByTestId('streak-today')).toContainText('Сегодня уже засчитано');
  await expect(page.getByTestId('streak-advice')).toContainText('Серия в безопасности до');
  await expect(page.getByTestId('streak-best')).toHaveText('Рекорд: 7 дней');
  await expect(page.getByTestId('streak-active-days')).toHaveText('Всего дней с занятиями: 16');

  // 12 weeks, Monday first; today outlined and named; each day with its actions.
  const heatmap = page.getByTestId('heatmap');
  const first = heatmap.locator('[role="img"]').first();
  await expect(first).toHaveAttribute('data-row', '0');
  const firstDate = (await first.getAttribute('data-date')) ?? '';
  expect(new Date(`${firstDate}T00:00:00Z`).getUTCDay()).toBe(1);
  const todayCell = heatmap.locator(`[data-date="${day}"]`);
  await expect(todayCell).toHaveAttribute('aria-current', 'date');
  // 4 reviews, 4 cards added and 4 exercises today.
  await expect(todayCell).toHaveAttribute('aria-label', /: 12 действий \(сегодня\)$/);
  await expect(todayCell).toHaveAttribute('data-level', 'medium');
  await expect(heatmap.locator(`[data-date="${addDays(day, -10)}"]`)).toHaveAttribute('data-level', 'high');
  await expect(heatmap.locator(`[data-date="${addDays(day, -10)}"]`)).toHaveAttribute('aria-label', /: 35 действий$/);
  await expect(heatmap.locator(`[data-date="${addDays(day, -4)}"]`)).toHaveAttribute('data-level', 'low');
  await expect(heatmap.locator(`[data-date="${addDays(day, -5)}"]`)).toHaveAttribute('aria-label', /: занятий нет$/);
  await expect(heatmap.locator(`[data-date="${addDays(day, -70)}"]`)).toHaveAttribute('data-level', 'high');

  // The week: a bar per day, the days without reviews at zero.
  const chart = page.getByTestId('reviews-chart');
  await expect(chart).toHaveAttribute('data-unit', 'day');
  const bars = chart.locator('.chart-bar');
  await expect(bars).toHaveCount(7);
  const week = await bars.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-value'))));
  expect(week).toEqual([0, 0, 5, 22, 8, 12, 4]);
  await expect(page.getByTestId('chart-total')).toHaveText('Всего 51 повторение');
  await expect(page.getByTestId('stats-reviews')).toHaveText('4');
  await expect(page.getByTestId('stats-active-days')).toHaveText('Дней с занятиями: 5');

  // Exercises: the weaker topic first and marked.
  const accuracy = page.getByTestId('topic-accuracy');
  await expect(page.getByTestId('exercises-total')).toHaveText('Точность 75% · 4 попытки');
  const rows = accuracy.locator('li');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-topic', 'В кафе');
  await expect(rows.nth(0)).toHaveAttribute('data-weakest', 'true');
  await expect(rows.nth(0)).toContainText('Точность 50% · 2 попытки');
  await expect(rows.nth(1)).toHaveAttribute('data-topic', 'Глагол sein');
  await expect(rows.nth(1)).toContainText('Точность 100% · 2 попытки');
  await expect(page.getByTestId('practise-weakest')).toHaveText('Потренировать «В кафе»');
  await expect(page.getByTestId('card-states')).toContainText('Всего: 4');
  await shoot('week', { narrowShot: true });
});

test('the period switch: a month, three months and a year', async () => {
  const day = await today();
  const chart = page.getByTestId('reviews-chart');
  await page.getByRole('button', { name: 'Месяц', exact: true }).click();
  await expect(page).toHaveURL(/\/stats\?period=month$/);
  await expect(page.getByTestId('period-stats')).toHaveAttribute('data-period', 'month');
  await expect(chart.locator('.chart-bar')).toHaveCount(30);
  await expect(chart.locator(`[data-date="${addDays(day, -10)}"]`)).toHaveAttribute('data-value', '35');
  await expect(chart.locator(`[data-date="${addDays(day, -5)}"]`)).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('chart-total')).toHaveText('Всего 124 повторения');
  await shoot('month');

  await page.getByRole('button', { name: '3 месяца', exact: true }).click();
  await expect(page.getByTestId('period-stats')).toHaveAttribute('data-period', '3months');
  await expect(chart.locator('.chart-bar')).toHaveCount(91);
  await expect(page.getByTestId('chart-total')).toHaveText('Всего 161 повторение');

  await page.getByRole('button', { name: 'Год', exact: true }).click();
  await expect(page.getByTestId('period-stats')).toHaveAttribute('data-period', 'year');
  await expect(chart).toHaveAttribute('data-unit', 'week');
  await expect(chart).toContainText('Повторения по неделям');
  await expect(page.getByTestId('chart-total')).toHaveText('Всего 161 повторение');
  await shoot('year');

  await page.getByRole('button', { name: 'Неделя', exact: true }).click();
  await expect(page).toHaveURL(/\/stats$/);
  await expect(chart.locator('.chart-bar')).toHaveCount(7);
});

test('the notifications sheet: unread highlighted, a tap marks one read, then all', async () => {
  await page.goto('/');
  await page.getByTestId('notifications-bell').click();
  const sheet = page.getByTestId('notifications-sheet');
  await expect(sheet).toBeVisible();
  const items = sheet.getByTestId('notification');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-unread', 'true');
  await expect(items.nth(0)).toContainText('Серия 4 дня');
  await expect(items.nth(0)).toContainText('25 минут назад');
  await expect(items.nth(1)).toHaveAttribute('data-unread', 'false');
  await expect(items.nth(1)).toContainText('вчера');
  await expect(sheet.getByTestId('mark-all-read')).toBeVisible();
  await shoot('notifications', { fullPage: false, narrowShot: true });

  await items.nth(0).click();
  await expect(items.nth(0)).toHaveAttribute('data-unread', 'false');
  await expect(page.getByTestId('unread-badge')).toHaveCount(0);
  await expect(sheet.getByTestId('mark-all-read')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
  await expect(page.getByTestId('notifications-bell')).toHaveAccessibleName('Уведомления');
  expect(sql(`SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.telegram_id = ${telegramId} AND n.read_at IS NULL`).trim()).toBe('0');
});
