import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorBody, session } from '../test/apiStub';
import { ApiClient, type RefreshTokenStore } from './client';
import { ApiError, NETWORK_ERROR } from './errors';
import { STREAM_IDLE_TIMEOUT_MS, SseParser, isAbortError, readEventStream, streamError, type SseFrame } from './sse';

function parseAll(chunks: string[]): SseFrame[] {
  const parser = new SseParser();
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
}

describe('SseParser', () => {
  it('parses named frames with JSON data', () => {
    expect(parseAll(['event: delta\ndata: {"text":"Hi"}\n\nevent: done\ndata: {}\n\n'])).toEqual([
      { event: 'delta', data: '{"text":"Hi"}' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('joins frames split anywhere across chunks, one character at a time included', () => {
    const text = 'event: word\ndata: {"word":"casa"}\n\nevent: done\ndata: {"created":1}\n\n';
    const expected = [
      { event: 'word', data: '{"word":"casa"}' },
      { event: 'done', data: '{"created":1}' },
    ];
    expect(parseAll([...text])).toEqual(expected);
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line ends, also with CR and LF in different chunks', () => {
    expect(parseAll(['event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r'])).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
    // A CRLF split between chunks is one line end, not a line end and a blank line.
    expect(parseAll(['data: x\r', '\ndata: y\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'x\ny' }]);
  });

  it('joins several data lines with LF and keeps spaces after the first', () => {
    expect(parseAll(['data: line one\ndata:line two\ndata:   indented\ndata\n\n'])).toEqual([
      { event: 'message', data: 'line one\nline two\n  indented\n' },
    ]);
  });

  it('skips comments, unknown fields and frames without data; keeps the last id', () => {
    expect(parseAll([': keep-alive\n\nretry: 1000\nfoo: bar\n\nid: 7\nevent: ping\n\nevent: x\ndata: 1\n\n'])).toEqual([
      { event: 'x', data: '1', id: '7' },
    ]);
  });

  it('drops a byte order mark and dispatches a last frame left without its blank line', () => {
    expect(parseAll(['\uFEFFevent: done\ndata: {"ok":true}'])).toEqual([{ event: 'done', data: '{"ok":true}' }]);
  });
});

function streamOf(chunks: (string | Uint8Array)[], options: { failAfter?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && index === options.failAfter) {
        controller.error(new TypeError('network error'));
        return;
      }
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
  });
}

describe('readEventStream', () => {
  it('decodes UTF-8 split inside a character and parses the data as JSON', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"дом"}\n\n');
    // The cut falls between the two bytes of "д".
    const cut = bytes.findIndex((byte) => byte >= 0x80) + 1;
    const events: [string, unknown][] = [];
    await readEventStream(streamOf([bytes.slice(0, cut), bytes.slice(cut)]), (event, data) => events.push([event, data]));
    expect(events).toEqual([['delta', { text: 'дом' }]]);
  });

  it('hands non-JSON data on as text', async () => {
    const events: unknown[] = [];
    await readEventStream(streamOf(['data: [DONE]\n\n']), (_event, data) => events.push(data));
    expect(events).toEqual(['[DONE]']);
  });

  it('turns a connection lost midway into NETWORK_ERROR after the frames already received', async () => {
    const events: string[] = [];
    const error = await readEventStream(streamOf(['event: delta\ndata: {"text":"a"}\n\n', 'event: de'], { failAfter: 2 }), (event) =>
      events.push(event),
    ).catch((e: unknown) => e);
    expect(events).toEqual(['delta']);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: NETWORK_ERROR });
  });
});

/** A body the test writes to by hand, and whether the reader cancelled it. */
function manualStream() {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    push: (text: string) => controller?.enqueue(encoder.encode(text)),
    close: () => controller?.close(),
    get cancelled() {
      return cancelled;
    },
  };
}

describe('readEventStream watchdog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits 45 s by default', () => {
    expect(STREAM_IDLE_TIMEOUT_MS).toBe(45_000);
  });

  it('counts keep-alive comments as activity, then gives a silent stream up as NETWORK_ERROR', async () => {
    vi.useFakeTimers();
    const body = manualStream();
    const events: string[] = [];
    let outcome: unknown = 'pending';
    const reading = readEventStream(body.stream, (event) => events.push(event)).then(
      () => {
        outcome = 'ended';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    body.push('event: user_message\ndata: {}\n\n');
    // Only comments for two minutes: every one restarts the watchdog.
    for (let second = 0; second < 120; second += 15) {
      await vi.advanceTimersByTimeAsync(15_000);
      body.push(': keep-alive\n\n');
    }
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(44_000);
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(1_000);
    await reading;
    expect(outcome).toBeInstanceOf(ApiError);
    expect(outcome).toMatchObject({ status: 0, code: NETWORK_ERROR });
    expect(events).toEqual(['user_message']);
    expect(body.cancelled).toBe(true);
  });

  it('gives up a stream that never sends a byte, and leaves a lively one alone', async () => {
    vi.useFakeTimers();
    const silent = manualStream();
    const failed = readEventStream(silent.stream, vi.fn(), undefined, { idleTimeoutMs: 1_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await failed).toMatchObject({ code: NETWORK_ERROR });
    expect(silent.cancelled).toBe(true);

    const lively = manualStream();
    const events: unknown[] = [];
    const done = readEventStream(lively.stream, (_event, data) => events.push(data), undefined, { idleTimeoutMs: 1_000 });
    for (let n = 0; n < 5; n += 1) {
      await vi.advanceTimersByTimeAsync(900);
      lively.push(`data: ${n}\n\n`);
    }
    lively.close();
    await expect(done).resolves.toBeUndefined();
    expect(events).toEqual([0, 1, 2, 3, 4]);
    // No watchdog is left behind to fire later.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('streamError', () => {
  it('builds the ApiError of an `event: error` frame', () => {
    expect(streamError(errorBody('LLM_SERVICE_ERROR', 'provider down'))).toMatchObject({
      status: 502,
      code: 'LLM_SERVICE_ERROR',
      message: 'provider down',
      requestId: 'req-LLM_SERVICE_ERROR',
    });
    expect(streamError('garbage')).toMatchObject({ code: 'STREAM_ERROR' });
    expect(streamError(null)).toMatchObject({ code: 'STREAM_ERROR' });
    expect(streamError(null).message).not.toMatch(/reported an error/);
  });

  it('keeps `details` (any JSON in the contract) only when it is an object', () => {
    const withDetails = { error: { code: 'QUOTA_EXCEEDED', message: 'm', request_id: 'r', details: { used: 5 } } };
    expect(streamError(withDetails).details).toEqual({ used: 5 });
    expect(streamError({ error: { ...withDetails.error, details: [1, 2] } }).details).toBeUndefined();
    expect(streamError({ error: { ...withDetails.error, details: 'text' } }).details).toBeUndefined();
  });
});

function memoryStore(): RefreshTokenStore {
  let value: string | null = null;
  return {
    get: async () => value,
    set: async (token) => {
      value = token;
    },
  };
}

interface Call {
  path: string;
  headers: Headers;
  body: unknown;
}

/** A fetch answering sign-in routes as JSON and `streamPath` with `answers` in turn. */
function streamingFetch(streamPath: string, answers: (() => Response)[]) {
  const calls: Call[] = [];
  let turn = 0;
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), 'http://app.test').pathname;
    const headers = new Headers(init?.headers);
    calls.push({ path, headers, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    if (path === '/api/auth/refresh') return Response.json(session(2));
    if (path !== streamPath) return Response.json(errorBody('NOT_FOUND'), { status: 404 });
    init?.signal?.throwIfAborted();
    const answer = answers[Math.min(turn++, answers.length - 1)];
    if (!answer) throw new Error('no answer');
    return answer();
  });
  return { fetchFn: fetchFn as unknown as typeof fetch, calls };
}

const sse = (text: string | ReadableStream<Uint8Array>) =>
  new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });

async function startedClient(fetchFn: typeof fetch): Promise<ApiClient> {
  const client = new ApiClient({ store: memoryStore(), signIn: async () => session(1), fetchFn });
  await client.start();
  return client;
}

describe('ApiClient.postStream', () => {
  it('posts JSON with the bearer token and extra headers, and hands over every frame', async () => {
    const { fetchFn, calls } = streamingFetch('/api/cards/generate', [
      () => sse('event: word\ndata: {"word":"casa"}\n\nevent: done\ndata: {"created":1}\n\n'),
    ]);
    const client = await startedClient(fetchFn);
    const events: [string, unknown][] = [];
    const result = await client.postStream(
      '/api/cards/generate',
      { words: ['casa'] },
      { headers: { 'idempotency-key': 'k-1' }, onEvent: (event, data) => events.push([event, data]) },
    );
    expect(result).toBeUndefined();
    expect(events).toEqual([
      ['word', { word: 'casa' }],
      ['done', { created: 1 }],
    ]);
    const call = calls.at(-1);
    expect(call?.body).toEqual({ words: ['casa'] });
    expect(call?.headers.get('accept')).toBe('text/event-stream');
    expect(call?.headers.get('content-type')).toBe('application/json');
    expect(call?.headers.get('authorization')).toBe('Bearer access-1');
    expect(call?.headers.get('idempotency-key')).toBe('k-1');
  });

  it('refreshes once on a 401 before the stream and repeats the request', async () => {
    const { fetchFn, calls } = streamingFetch('/api/sessions/chat', [
      () => Response.json(errorBody('TOKEN_EXPIRED'), { status: 401 }),
      () => sse('event: delta\ndata: {"text":"ok"}\n\n'),
    ]);
    const client = await startedClient(fetchFn);
    const events: string[] = [];
    await client.postStream('/api/sessions/chat', { message: 'hi' }, { onEvent: (event) => events.push(event) });
    expect(calls.map((c) => `${c.path} ${c.headers.get('authorization') ?? ''}`)).toEqual([
      '/api/sessions/chat Bearer access-1',
      '/api/auth/refresh ',
      '/api/sessions/chat Bearer access-2',
    ]);
    expect(events).toEqual(['delta']);
  });

  it('throws the JSON client’s ApiError for an error answer before the stream', async () => {
    const { fetchFn } = streamingFetch('/api/sessions/chat', [
      () =>
        Response.json(errorBody('QUOTA_EXCEEDED', 'quota', { kind: 'messages', used: 50, max: 50 }), {
          status: 429,
        }),
    ]);
    const client = await startedClient(fetchFn);
    const onEvent = vi.fn();
    const error = await client.postStream('/api/sessions/chat', { message: 'hi' }, { onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED', details: { max: 50 } });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const client = await startedClient(
      vi.fn(async (input: RequestInfo | URL) => {
        if (String(input).endsWith('/api/sessions/chat')) throw new TypeError('Failed to fetch');
        return Response.json(session(1));
      }) as unknown as typeof fetch,
    );
    await expect(client.postStream('/api/sessions/chat', {}, { onEvent: vi.fn() })).rejects.toMatchObject({
      code: NETWORK_ERROR,
    });
  });

  it('returns a plain JSON answer (an idempotent replay) instead of frames', async () => {
    const { fetchFn } = streamingFetch('/api/cards/generate', [() => Response.json({ created: 2 })]);
    const client = await startedClient(fetchFn);
    const onEvent = vi.fn();
    expect(await client.postStream('/api/cards/generate', { words: ['a'] }, { onEvent })).toEqual({ created: 2 });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('aborts mid-stream with an AbortError and stops handing over frames', async () => {
    const encoder = new TextEncoder();
    let cancelled = false;
    let push: ((text: string) => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(encoder.encode(text));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { fetchFn } = streamingFetch('/api/sessions/chat', [() => sse(body)]);
    const client = await startedClient(fetchFn);
    const controller = new AbortController();
    const events: unknown[] = [];
    const done = client.postStream('/api/sessions/chat', { message: 'hi' }, {
      signal: controller.signal,
      onEvent: (_event, data) => {
        events.push(data);
        controller.abort();
      },
    });
    await vi.waitFor(() => expect(push).toBeDefined());
    push?.('event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"text":"b"}\n\n');
    const error = await done.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(events).toEqual([{ text: 'a' }]);
    expect(cancelled).toBe(true);
  });

  it('rejects with an AbortError, not a network error, when aborted before the answer', async () => {
    const { fetchFn } = streamingFetch('/api/sessions/chat', [() => sse('')]);
    const client = await startedClient(fetchFn);
    const controller = new AbortController();
    controller.abort();
    const error = await client
      .postStream('/api/sessions/chat', {}, { signal: controller.signal, onEvent: vi.fn() })
      .catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });
});
