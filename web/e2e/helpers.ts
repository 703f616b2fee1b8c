import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type BrowserContext, type Page, type Request } from '@playwright/test';

export const ARTIFACTS = join(import.meta.dirname, '..', 'e2e-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Every API call the page makes, as "METHOD /path", for asserting the auth flow. */
export function recordApiCalls(page: Page): { calls: string[]; bodies: Map<string, unknown[]> } {
  const calls: string[] = [];
  const bodies = new Map<string, unknown[]>();
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/')) return;
    const key = `${request.method()} ${url.pathname}`;
    calls.push(key);
    const body = request.postData();
    if (body) bodies.set(key, [...(bodies.get(key) ?? []), JSON.parse(body)]);
  });
  return { calls, bodies };
}

export function count(calls: string[], key: string): number {
  return calls.filter((call) => call === key).length;
}

/** Runs SQL in the e2e database created by scripts/e2e.sh. */
export function sql(statement: string): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set (run through scripts/e2e.sh)');
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-tAc', statement], { encoding: 'utf8' });
}

/** True when the page is wider than the viewport (a horizontal scroll bar). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
  );
}

/** Texts of controls and headings whose content spills out of their own box. */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, a, h1, h2, label, p, select, input')]
      // Visually hidden controls (a file input inside its label) are clipped on purpose.
      .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden') && el.scrollWidth > el.clientWidth + 1)
      .filter((el) => getComputedStyle(el).overflowX !== 'auto')
      .map((el) => `${el.tagName.toLowerCase()}: ${el.textContent?.trim().slice(0, 40) ?? ''}`),
  );
}

/**
 * A user who already finished onboarding, made through the API so a spec can start from
 * Home: dev sign-in with `telegramId`, one profile, and the given account settings. The
 * page then signs in as the same user because the dev telegram id is preset in localStorage.
 */
export async function userWithProfile(
  context: BrowserContext,
  telegramId: number,
  settings: Record<string, unknown> = {},
): Promise<void> {
  const login = await context.request.post('/api/auth/dev-login', {
    data: { telegram_id: telegramId, first_name: 'Ева', language_code: 'ru' },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const profile = await context.request.post('/api/profiles', {
    headers,
    data: { language: 'de', current_level: 'A2', target_level: 'B1', goals: ['travel'], interface_language: 'ru' },
  });
  expect(profile.status()).toBe(201);
  if (Object.keys(settings).length > 0) {
    expect((await context.request.patch('/api/me', { headers, data: settings })).ok()).toBe(true);
  }
  await context.addInitScript((id) => localStorage.setItem('la_dev_telegram_id', id), String(telegramId));
}
