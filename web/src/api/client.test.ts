import { describe, expect, it, vi } from 'vitest';
import { errorBody, stubFetch, me, session } from '../test/apiStub';
import { ApiClient, type RefreshTokenStore } from './client';
import { ApiError } from './errors';

function memoryStore(initial: string | null = null): RefreshTokenStore & { value: string | null } {
  const store = {
    value: initial,
    get: async () => store.value,
    set: async (token: string | null) => {
      store.value = token;
    },
  };
  return store;
}

describe('ApiClient', () => {
  it('downloads a Blob and sends a raw text body, refreshing once on TOKEN_EXPIRED', async () => {
    let exports = 0;
    const { fetchFn, requests } = stubFetch({
      'GET /api/decks/d1/export': () =>
        ++exports === 1 ? { status: 401, body: errorBody('TOKEN_EXPIRED') } : { body: 'front,back' },
      'POST /api/decks/d1/import': () => ({ body: { dry_run: true } }),
      'POST /api/auth/refresh': () => ({ body: session(2) }),
    });
    const client = new ApiClient({ store: memoryStore(), signIn: vi.fn(async () => session(1)), fetchFn });
    await client.start();

    const blob = await client.getBlob('/api/decks/d1/export?format=csv');
    expect(await blob.text()).toBe('"front,back"');
    expect(requests.map((r) => `${r.method} ${r.path} ${r.authorization ?? ''}`)).toEqual([
      'GET /api/decks/d1/export Bearer access-1',
      'POST /api/auth/refresh ',
      'GET /api/decks/d1/export Bearer access-2',
    ]);

    expect(await client.postBody('/api/decks/d1/import?dry_run=true', 'a\tб', 'text/tab-separated-values')).toEqual({
      dry_run: true,
    });
    expect(requests.at(-1)).toMatchObject({ body: 'a\tб', contentType: 'text/tab-separated-values' });
  });

  it('refreshes once on TOKEN_EXPIRED and retries the request with the new token', async () => {
    let meCalls = 0;
    const { fetchFn, requests } = stubFetch({
      'GET /api/me': () =>
        ++meCalls === 1 ? { status: 401, body: errorBody('TOKEN_EXPIRED') } : { body: me() },
      'POST /api/auth/refresh': () => ({ body: session(2) }),
    });
    const store = memoryStore();
    const signIn = vi.fn(async () => session(1));
    const client = new ApiClient({ store, signIn, fetchFn });
    await client.start();

    const result = await client.get('/api/me');

    expect(result).toEqual(me());
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/me',
      'POST /api/auth/refresh',
      'GET /api/me',
    ]);
    expect(requests[1]?.body).toEqual({ refresh_token: 'refresh-1' });
    expect(requests[0]?.authorization).toBe('Bearer access-1');
    expect(requests[2]?.authorization).toBe('Bearer access-2');
    expect(store.value).toBe('refresh-2');
    expect(signIn).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const { fetchFn, requests } = stubFetch({
      'GET /api/me': (r) =>
        r.authorization === 'Bearer access-1'
          ? { status: 401, body: errorBody('AUTH_FAILED') }
          : { body: me() },
      'GET /api/profiles': (r) =>
        r.authorization === 'Bearer access-1'
          ? { status: 401, body: errorBody('TOKEN_EXPIRED') }
          : { body: [] },
      'POST /api/auth/refresh': () => ({ body: session(2) }),
    });
    const client = new ApiClient({ store: memoryStore(), signIn: async () => session(1), fetchFn });
    await client.start();

    await Promise.all([client.get('/api/me'), client.get('/api/profiles'), client.get('/api/me')]);

    expect(requests.filter((r) => r.path === '/api/auth/refresh')).toHaveLength(1);
    expect(requests.filter((r) => r.authorization === 'Bearer access-2')).toHaveLength(3);
  });

  it('signs in again when the refresh fails', async () => {
    const { fetchFn, requests } = stubFetch({
      'GET /api/me': (r) =>
        r.authorization === 'Bearer access-1'
          ? { status: 401, body: errorBody('TOKEN_EXPIRED') }
          : { body: me() },
      'POST /api/auth/refresh': () => ({ status: 401, body: errorBody('AUTH_FAILED') }),
    });
    const signIn = vi.fn().mockResolvedValueOnce(session(1)).mockResolvedValueOnce(session(3));
    const store = memoryStore();
    const client = new ApiClient({ store, signIn, fetchFn });
    await client.start();

    await expect(client.get('/api/me')).resolves.toEqual(me());

    expect(signIn).toHaveBeenCalledTimes(2);
    expect(requests.at(-1)?.authorization).toBe('Bearer access-3');
    expect(store.value).toBe('refresh-3');
  });

  it('retries only once: a second 401 is surfaced as an ApiError', async () => {
    const { fetchFn, requests } = stubFetch({
      'GET /api/me': () => ({ status: 401, body: errorBody('AUTH_FAILED', 'nope') }),
      'POST /api/auth/refresh': () => ({ body: session(2) }),
    });
    const client = new ApiClient({ store: memoryStore(), signIn: async () => session(1), fetchFn });
    await client.start();

    const error = await client.get('/api/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'AUTH_FAILED', requestId: 'req-AUTH_FAILED' });
    expect(requests.filter((r) => r.path === '/api/me')).toHaveLength(2);
  });

  it('starts from a stored refresh token without signing in', async () => {
    const { fetchFn, requests } = stubFetch({
      'POST /api/auth/refresh': () => ({ body: session(5) }),
    });
    const signIn = vi.fn(async () => session(1));
    const store = memoryStore('refresh-old');
    const client = new ApiClient({ store, signIn, fetchFn });

    const started = await client.start();

    expect(started.access_token).toBe('access-5');
    expect(requests[0]?.body).toEqual({ refresh_token: 'refresh-old' });
    expect(signIn).not.toHaveBeenCalled();
    expect(store.value).toBe('refresh-5');
  });

  it('signs in when the stored refresh token is rejected', async () => {
    const { fetchFn } = stubFetch({
      'POST /api/auth/refresh': () => ({ status: 401, body: errorBody('AUTH_FAILED') }),
    });
    const signIn = vi.fn(async () => session(1));
    const client = new ApiClient({ store: memoryStore('spent'), signIn, fetchFn });

    await expect(client.start()).resolves.toMatchObject({ access_token: 'access-1' });
    expect(signIn).toHaveBeenCalledOnce();
  });

  it('does not refresh on other errors and keeps code, message, details and request id', async () => {
    const { fetchFn, requests } = stubFetch({
      'POST /api/profiles': () => ({
        status: 402,
        body: errorBody('LIMIT_REACHED', 'limit', { limit: 'profiles', used: 1, max: 1, upgrade: true }),
      }),
    });
    const client = new ApiClient({ store: memoryStore(), signIn: async () => session(1), fetchFn });
    await client.start();

    const error = (await client.post('/api/profiles', {}).catch((e: unknown) => e)) as ApiError;

    expect(error.code).toBe('LIMIT_REACHED');
    expect(error.status).toBe(402);
    expect(error.message).toBe('limit');
    expect(error.detailNumber('max')).toBe(1);
    expect(error.requestId).toBe('req-LIMIT_REACHED');
    expect(requests).toHaveLength(1);
  });

  it('turns a network failure into NETWORK_ERROR', async () => {
    const fetchFn = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const client = new ApiClient({ store: memoryStore(), signIn: async () => session(1), fetchFn });
    await client.start();

    await expect(client.get('/api/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
