import { ApiError, NETWORK_ERROR, errorFromResponse, isAuthExpiry } from './errors';
import { isAbortError, readEventStream, type StreamEventHandler } from './sse';
import type { RefreshRequest, Session } from './types';

/** Where the long-lived refresh token lives between launches. */
export interface RefreshTokenStore {
  get(): Promise<string | null>;
  set(token: string | null): Promise<void>;
}

/** Obtains a brand-new session (Telegram initData or dev sign-in); see auth.ts. */
export type SignIn = (post: PublicPost) => Promise<Session>;
export type PublicPost = <T>(path: string, body: unknown) => Promise<T>;

export interface ApiClientOptions {
  store: RefreshTokenStore;
  signIn: SignIn;
  baseUrl?: string;
  fetchFn?: typeof fetch;
  onSession?: (session: Session) => void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface FetchInit {
  method: Method;
  headers: Record<string, string>;
  body?: string | Blob | FormData;
  signal?: AbortSignal;
}

export interface StreamOptions {
  /** Each `event:`/`data:` frame, data parsed as JSON, in order, as it arrives. */
  onEvent: StreamEventHandler;
  /** Extra request headers (an `Idempotency-Key`). */
  headers?: Record<string, string>;
  /** Aborts the request or the stream; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
}

/**
 * Fetch wrapper holding the access token in memory only. A 401 (AUTH_FAILED or
 * TOKEN_EXPIRED) triggers one refresh shared by every request that failed at the same
 * time, then the request is retried once. A failed refresh falls back to signing in again.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private renewal: Promise<void> | null = null;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl ?? '';
    // Bound so that window.fetch is not called with a foreign `this`.
    this.fetchFn = options.fetchFn ?? ((input, init) => fetch(input, init));
  }

  get isSignedIn(): boolean {
    return this.accessToken !== null;
  }

  /** Start-up: a stored refresh token first (a reload stays signed in), else a sign-in. */
  async start(): Promise<Session> {
    const stored = await this.options.store.get();
    if (stored) {
      try {
        return await this.refreshWith(stored);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        await this.options.store.set(null);
      }
    }
    return this.signIn();
  }

  async signOut(): Promise<void> {
    const stored = await this.options.store.get();
    this.accessToken = null;
    await this.options.store.set(null);
    if (stored) {
      await this.send('POST', '/api/auth/logout', { refresh_token: stored } satisfies RefreshRequest, null).catch(() => {});
    }
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return this.authorized((token) => this.send<T>(method, path, body, token));
  }

  /**
   * POSTs a raw body (a file to import, a recording) and reads the JSON answer. Without a
   * content type (a FormData form) the browser writes it, multipart boundary included.
   */
  postBody<T>(path: string, body: string | Blob | FormData, contentType?: string): Promise<T> {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    return this.authorized(async (token) =>
      readJson<T>(await this.fetchOk(path, { method: 'POST', headers, body }, token)),
    );
  }

  /** GETs a file (an export) as a Blob, with the same refresh-and-retry as JSON calls. */
  getBlob(path: string): Promise<Blob> {
    return this.authorized(async (token) => (await this.fetchOk(path, { method: 'GET', headers: {} }, token)).blob());
  }

  /**
   * POSTs JSON asking for Server-Sent Events (`Accept: text/event-stream`) and reads the
   * stream. EventSource can neither POST nor send the bearer token, hence fetch and a
   * ReadableStream. Auth works as for JSON calls (a 401 before the stream starts renews the
   * token once and repeats the request); a non-2xx answer throws the same ApiError as the
   * JSON client. Resolves when the stream ends, with `undefined`, or with the parsed body
   * when the server answered plain JSON instead of a stream (an idempotent replay may).
   * Errors reported inside the stream (`event: error`) are frames like any other: the
   * caller decides what they mean.
   */
  async postStream(path: string, body: unknown, options: StreamOptions): Promise<unknown> {
    const init: FetchInit = {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: options.signal,
    };
    // Only the request is retried after a refresh, never a stream that already started.
    const response = await this.authorized((token) => this.fetchOk(path, init, token));
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream')) return readJson<unknown>(response);
    await readEventStream(response.body, options.onEvent, options.signal);
    return undefined;
  }

  /** Runs `call` with the access token; a 401 that a refresh can cure renews it and retries once. */
  private async authorized<T>(call: (token: string | null) => Promise<T>): Promise<T> {
    if (this.accessToken === null) await this.renew();
    const usedToken = this.accessToken;
    try {
      return await call(usedToken);
    } catch (error) {
      if (!(error instanceof ApiError) || !isAuthExpiry(error)) throw error;
      // Another request may already have renewed the token while this one was in flight.
      if (this.accessToken === usedToken) await this.renew();
      return call(this.accessToken);
    }
  }

  /** One renewal at a time: refresh with the stored token, or sign in when that fails. */
  private renew(): Promise<void> {
    if (!this.renewal) {
      this.renewal = this.refreshOrSignIn()
        .then(() => undefined)
        .finally(() => {
          this.renewal = null;
        });
    }
    return this.renewal;
  }

  private async refreshOrSignIn(): Promise<Session> {
    const stored = await this.options.store.get();
    if (stored) {
      try {
        return await this.refreshWith(stored);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
      }
    }
    return this.signIn();
  }

  private async refreshWith(refreshToken: string): Promise<Session> {
    const session = await this.send<Session>(
      'POST',
      '/api/auth/refresh',
      { refresh_token: refreshToken } satisfies RefreshRequest,
      null,
    );
    return this.adopt(session);
  }

  private async signIn(): Promise<Session> {
    const post: PublicPost = (path, body) => this.send('POST', path, body, null);
    return this.adopt(await this.options.signIn(post));
  }

  private async adopt(session: Session): Promise<Session> {
    this.accessToken = session.access_token;
    await this.options.store.set(session.refresh_token);
    this.options.onSession?.(session);
    return session;
  }

  private async send<T>(
    method: Method,
    path: string,
    body: unknown,
    token: string | null,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return readJson<T>(await this.fetchOk(path, init, token));
  }

  /** One fetch with the bearer token; network failures and non-2xx answers become ApiErrors. */
  private async fetchOk(path: string, init: FetchInit, token: string | null): Promise<Response> {
    const headers = { ...init.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.fetchFn(this.baseUrl + path, { ...init, headers });
    } catch (cause) {
      // An abort is the caller's own doing, not a network failure.
      if (init.signal?.aborted || isAbortError(cause)) throw cause;
      const message = cause instanceof Error ? cause.message : 'Network error';
      throw new ApiError(0, NETWORK_ERROR, message);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}

async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
