import { describe, expect, it } from 'vitest';
import { errorBody, stubFetch, session } from '../test/apiStub';
import { SignInUnavailableError, createSignIn, devTelegramId } from './auth';
import { ApiClient } from './client';
import { sessionStore } from '../telegram/refreshTokenStore';

function clientWith(fetchFn: typeof fetch, initData: string | undefined) {
  return new ApiClient({
    store: sessionStore(window.sessionStorage),
    signIn: createSignIn({ initData, devTelegramId: () => 777, languageCode: 'ru' }),
    fetchFn,
  });
}

describe('sign-in', () => {
  it('sends the raw initData to /api/auth/validate inside Telegram', async () => {
    const { fetchFn, requests } = stubFetch({ 'POST /api/auth/validate': () => ({ body: session() }) });
    await clientWith(fetchFn, 'query_id=1&user=%7B%7D&hash=abc').start();
    expect(requests).toEqual([
      expect.objectContaining({ path: '/api/auth/validate', body: { init_data: 'query_id=1&user=%7B%7D&hash=abc' } }),
    ]);
  });

  it('uses the dev sign-in with a stable telegram id outside Telegram', async () => {
    const { fetchFn, requests } = stubFetch({ 'POST /api/auth/dev-login': () => ({ body: session() }) });
    await clientWith(fetchFn, undefined).start();
    expect(requests[0]).toMatchObject({
      path: '/api/auth/dev-login',
      body: { telegram_id: 777, language_code: 'ru' },
    });
  });

  it('reports "open in Telegram" when the dev sign-in does not exist (404)', async () => {
    const { fetchFn } = stubFetch({
      'POST /api/auth/dev-login': () => ({ status: 404, body: errorBody('NOT_FOUND') }),
    });
    await expect(clientWith(fetchFn, undefined).start()).rejects.toBeInstanceOf(SignInUnavailableError);
  });

  it('keeps the dev telegram id across calls', () => {
    const first = devTelegramId(localStorage);
    expect(first).toBeGreaterThan(0);
    expect(devTelegramId(localStorage)).toBe(first);
  });
});
