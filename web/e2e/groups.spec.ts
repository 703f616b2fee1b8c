import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { ARTIFACTS, hasHorizontalScroll, overflowingElements, sql } from './helpers';

// Groups between two users: the teacher creates a group from Home, adds a deck with cards and
// shares it from the group's materials, creates an invite; the student opens the invite's
// `startapp=g_<code>` deep link, sees the preview and joins, studies the shared deck (one card
// rated), copies it into their decks; the teacher's progress table shows the student with one
// review. Every groups screen at 390×844 in light and dark, checked at 320 px.
test.describe.configure({ mode: 'serial' });

const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const base = 8_600_000_000 + Math.floor(Math.random() * 90_000_000);
const TEACHER_ID = base;
const STUDENT_ID = base + 1;
const GROUP = 'Немецкий по вечерам';
const DECK = 'Глаголы движения';
const CARDS: [string, string][] = [
  ['gehen', 'идти'],
  ['fahren', 'ехать'],
  ['laufen', 'бежать'],
];

interface Person {
  context: BrowserContext;
  page: Page;
  headers: Record<string, string>;
}

let teacher: Person;
let student: Person;
let groupId = '';
let inviteCode = '';

/** A user signed in through dev-login with a name, one German profile, and a page signed in as them. */
async function person(browser: Browser, telegramId: number, firstName: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const login = await context.request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: firstName, language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const profile = await context.request.post('/api/profiles', {
    headers,
    data: { language: 'de', current_level: 'A2', target_level: 'B1', goals: ['travel'], interface_language: 'ru' },
  });
  expect(profile.status()).toBe(201);
  await context.addInitScript((id) => localStorage.setItem('la_dev_telegram_id', id), String(telegramId));
  const page = await context.newPage();
  // The page's own dev sign-in names every user "Dev"; the table and the preview need names.
  await page.goto('/');
  await expect(page.getByTestId('groups-action')).toBeVisible();
  sql(`UPDATE users SET first_name = '${firstName}' WHERE telegram_id = ${telegramId}`);
  return { context, page, headers };
}

test.beforeAll(async ({ browser }) => {
  teacher = await person(browser, TEACHER_ID, 'Анна');
  student = await person(browser, STUDENT_ID, 'Борис');
});

test.afterAll(async () => {
  await teacher?.context.close();
  await student?.context.close();
});

/** The screen in light and dark at 390 px, then checked for fit at 320 px. */
async function shoot(page: Page, name: string, { narrowShot = false } = {}): Promise<void> {
  await expect(page.locator('.skeleton')).toHaveCount(0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `groups-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out of its box`).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  if (narrowShot) await page.screenshot({ path: join(SCREENSHOTS, `groups-${name}-320-light.png`), fullPage: true });
  expect(await hasHorizontalScroll(page), `${name} scrolls sideways at 320 px`).toBe(false);
  expect(await overflowingElements(page), `${name}: text spilling out at 320 px`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
}

test('the teacher opens Groups from Home and creates a group', async () => {
  const { page } = teacher;
  await page.goto('/');
  await page.getByTestId('groups-action').click();
  await expect(page).toHaveURL(/\/groups$/);
  await expect(page.getByText(/Вы пока не состоите ни в одной группе/)).toBeVisible();
  await shoot(page, 'empty');

  await page.getByRole('link', { name: 'Создать группу' }).click();
  await expect(page).toHaveURL(/\/groups\/new$/);
  await expect(page.getByTestId('group-language')).toHaveText('Немецкий');
  await shoot(page, 'create');
  await page.getByLabel('Название *').fill(GROUP);
  await page.getByLabel('Описание').fill('Разговорная практика по вторникам и четвергам');
  await page.getByRole('button', { name: 'Создать группу' }).click();
  await expect(page).toHaveURL(/\/groups\/[0-9a-f-]{36}$/);
  groupId = page.url().split('/').pop() ?? '';
  await expect(page.getByRole('heading', { name: GROUP })).toBeVisible();
  await expect(page.getByTestId('group-member-count')).toHaveText('Участники: 1 из 5');
  await expect(page.getByTestId('progress-empty')).toBeVisible();
  await shoot(page, 'teacher-progress-empty');
});

test('the teacher adds a deck with cards and shares it with the group', async () => {
  const { page, context, headers } = teacher;
  const deck = await context.request.post('/api/decks', { headers, data: { name: DECK } });
  expect(deck.status()).toBe(201);
  const { id: deckId } = (await deck.json()) as { id: string };
  for (const [front, back] of CARDS) {
    const card = await context.request.post('/api/cards', { headers, data: { deck_id: deckId, front, back } });
    expect(card.status()).toBe(201);
  }

  await page.getByRole('tab', { name: 'Материалы' }).click();
  await expect(page.getByTestId('materials-empty')).toBeVisible();
  await shoot(page, 'teacher-materials-empty');
  await page.getByTestId('materials-add').click();
  const picker = page.getByTestId('material-picker');
  const row = picker.locator(`[data-pick="${DECK}"]`);
  await expect(row).toBeVisible();
  await shoot(page, 'teacher-picker');
  await row.getByRole('button', { name: 'Поделиться' }).click();
  await expect(row).toContainText('уже в группе');
  await picker.getByRole('button', { name: 'Закрыть' }).click();
  const shared = page.getByTestId('group-materials').locator(`[data-material="${DECK}"]`);
  await expect(shared).toContainText('3 карточки');
  await shoot(page, 'teacher-materials');
});

test('the teacher creates an invite and gets its link', async () => {
  const { page } = teacher;
  await page.getByRole('tab', { name: 'Приглашения' }).click();
  await expect(page.getByTestId('invites-empty')).toBeVisible();
  await page.getByLabel('Сколько человек может вступить').fill('10');
  await page.getByRole('button', { name: 'Создать приглашение' }).click();
  const invite = page.locator('[data-invite]');
  await expect(invite).toHaveCount(1);
  inviteCode = (await invite.getAttribute('data-invite')) ?? '';
  expect(inviteCode).toMatch(/^[A-Za-z0-9_-]{8,32}$/);
  await expect(invite.getByTestId('invite-uses')).toHaveText('Вступили: 0 из 10');
  // Outside Telegram the link is copied rather than shared.
  await expect(invite.getByTestId('invite-share')).toHaveCount(0);
  await teacher.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await invite.getByRole('button', { name: 'Скопировать ссылку' }).click();
  await expect(invite.getByTestId('invite-copied')).toHaveText('Ссылка скопирована');
  await shoot(page, 'teacher-invites', { narrowShot: true });
});

test('a wrong code says so', async () => {
  const { page } = student;
  await page.goto('/groups/join?code=nosuchcode1');
  await expect(page.getByTestId('join-problem')).toContainText('Приглашение не найдено');
  await shoot(page, 'join-not-found');
});

test('the student opens the deep link, sees the preview and joins', async () => {
  const { page } = student;
  await page.goto(`/?startapp=g_${inviteCode}`);
  await expect(page).toHaveURL(new RegExp(`/groups/join\\?code=${inviteCode}$`));
  const preview = page.getByTestId('invite-preview');
  await expect(preview).toContainText(GROUP);
  await expect(preview).toContainText('Преподаватель: Анна');
  await expect(preview.getByTestId('preview-members')).toHaveText('Участники: 1 из 5');
  await expect(preview.getByTestId('preview-teacher-sees').locator('li').first()).toBeVisible();
  await shoot(page, 'join-preview');
  await page.getByRole('button', { name: 'Вступить', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${groupId}$`));
  await expect(page.getByTestId('group-teachers')).toContainText('Анна');
  await expect(page.getByTestId('group-teacher-sees').locator('li').first()).toBeVisible();
  const deck = page.locator(`[data-material="${DECK}"]`);
  await expect(deck.getByTestId('material-counts')).toContainText('3 карточки');
  await shoot(page, 'student', { narrowShot: true });
});

test('the student studies the shared deck and copies it', async () => {
  const { page } = student;
  const deck = page.locator(`[data-material="${DECK}"]`);
  await deck.getByRole('link', { name: 'Учить' }).click();
  await expect(page).toHaveURL(/\/study\?deck=.*&group=/);
  await expect(page.getByText(`Колода: ${DECK}`)).toBeVisible();
  await page.getByRole('button', { name: 'Показать ответ', exact: true }).click();
  const review = page.waitForResponse((r) => r.url().endsWith('/api/study/review') && r.request().method() === 'POST');
  await page.getByRole('button', { name: /Знаю/ }).click();
  expect((await review).ok()).toBe(true);

  await page.goto(`/groups/${groupId}`);
  await deck.getByRole('button', { name: 'Скопировать в мои колоды' }).click();
  await expect(deck.getByTestId('material-copied')).toContainText(`Колода «${DECK}» теперь есть и у вас.`);
  await shoot(page, 'student-copied');
  await deck.getByRole('link', { name: 'Открыть' }).click();
  await expect(page).toHaveURL(/\/cards\/[0-9a-f-]{36}$/);
  await expect(page.getByText('gehen')).toBeVisible();

  await page.goto('/groups');
  await expect(page.getByTestId('groups-learning')).toContainText(GROUP);
  await shoot(page, 'student-list');
});

test("the teacher's progress table shows the student with one review", async () => {
  const { page } = teacher;
  await page.goto(`/groups/${groupId}`);
  const row = page.locator('[data-student="Борис"]');
  await expect(row.getByTestId('progress-reviews')).toHaveText('1');
  await expect(row.getByTestId('progress-retention')).toHaveText('100%');
  await expect(row.getByTestId('progress-last-active')).not.toHaveText('ещё не занимался');
  await shoot(page, 'teacher-progress', { narrowShot: true });
  await page.getByRole('button', { name: 'Всё время' }).click();
  await expect(row.getByTestId('progress-reviews')).toHaveText('1');

  await page.getByRole('tab', { name: 'Участники' }).click();
  await expect(page.locator('[data-member="Борис"]')).toContainText('ученик');
  await shoot(page, 'teacher-members');
  await page.getByRole('tab', { name: 'Группа' }).click();
  await expect(page.getByTestId('group-archive')).toBeVisible();
  await shoot(page, 'teacher-settings');

  await page.goto('/groups');
  await expect(page.getByTestId('groups-teaching')).toContainText(GROUP);
  await expect(page.getByTestId('groups-teaching').getByTestId('group-members')).toHaveText('Участники: 2 из 5');
  await shoot(page, 'teacher-list');
});
