import { vi } from 'vitest';
import type {
  Card,
  CardProgress,
  ChatReply,
  Deck,
  GenerateReport,
  Me,
  Message,
  Profile,
  Quota,
  QueueItem,
  ReviewResult,
  Session,
  StudyQueue,
  User,
  WordResult,
} from '../api/types';
import type { Attempt, Exercise, ExerciseBatch, SubmitResult, Topic } from '../api/types';
import type { ActivityLevel, AppNotification, Calendar, NotificationPage, Stats, Streak } from '../api/types';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters (routes match on the path alone). */
  query: Record<string, string>;
  /** JSON bodies parsed; any other text (an imported file) as it was sent. */
  body: unknown;
  /** The body as sent: a FormData form or a Blob (an upload) stays inspectable here. */
  rawBody: BodyInit | null | undefined;
  contentType: string | null;
  authorization: string | null;
  /** Every request header, names in lower case. */
  headers: Record<string, string>;
  /** The request's AbortSignal, to check that leaving a screen aborts a stream. */
  signal: AbortSignal | undefined;
}

function parseBody(body: BodyInit | null | undefined): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

interface HandlerResult {
  status?: number;
  body?: unknown;
  /** A `text/event-stream` body instead of JSON (see sseStream and controlledStream). */
  stream?: ReadableStream<Uint8Array>;
}

/** An answer now, or later (a promise) to hold a request open while the test acts. */
type Handler = (request: RecordedRequest) => HandlerResult | undefined | Promise<HandlerResult | undefined>;

/**
 * A fetch replacement that routes "METHOD /path" to handlers and records every call, so
 * tests exercise the real ApiClient and components against the documented contract.
 */
export function stubFetch(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://app.test');
    const headers = new Headers(init?.headers);
    const request: RecordedRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(init?.body),
      rawBody: init?.body,
      contentType: headers.get('content-type'),
      authorization: headers.get('authorization'),
      headers: Object.fromEntries(headers),
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    const result = (await handler?.(request)) ?? {
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no route', request_id: 'req-404' } },
    };
    const status = result.status ?? 200;
    if (result.stream) {
      return new Response(result.stream, { status, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(status === 204 ? null : JSON.stringify(result.body ?? null), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { fetchFn: fetchFn as unknown as typeof fetch, requests };
}

/** Server-Sent Events frames as the server writes them. */
export function sseText(frames: [string, unknown][]): string {
  return frames.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

/** A stream that delivers all the frames at once and ends. */
export function sseStream(frames: [string, unknown][]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(sseText(frames));
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A stream the test feeds frame by frame, to see what the screen shows in between. */
export function controlledStream() {
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
    send(event: string, data: unknown) {
      controller?.enqueue(encoder.encode(sseText([[event, data]])));
    },
    close() {
      controller?.close();
    },
    /** The connection drops. */
    fail() {
      controller?.error(new TypeError('network error'));
    },
    get cancelled() {
      return cancelled;
    },
  };
}

export function errorBody(code: string, message = code, details?: Record<string, unknown>) {
  return { error: { code, message, details, request_id: `req-${code}` } };
}

export const user: User = {
  id: 'u1',
  telegram_id: 42,
  first_name: 'Анна',
  last_name: null,
  username: 'anna',
  language_code: 'ru',
  photo_url: null,
  timezone: 'Europe/Moscow',
  timezone_source: 'device',
  day_rollover_hour: 4,
  reminders_enabled: true,
  reminder_hour: 19,
  rating_buttons: 3,
  interface_language: 'ru',
  is_admin: false,
  created_at: '2026-01-01T00:00:00Z',
};

export function session(n = 1): Session {
  return {
    access_token: `access-${n}`,
    refresh_token: `refresh-${n}`,
    expires_at: '2026-11-27T10:30:00Z',
    user,
  };
}

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: 'p-en',
    language: 'en',
    current_level: 'A2',
    target_level: 'B2',
    goals: ['travel', 'work'],
    interface_language: 'ru',
    is_active: true,
    new_cards_per_day: 20,
    desired_retention: 0.9,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export function quota(overrides: Partial<Quota> = {}): Quota {
  return { used: 0, max: 50, reset_at: '2100-01-01T00:00:00+03:00', ...overrides };
}

export function limits(overrides: Partial<Me['limits']> = {}): Me['limits'] {
  return {
    profiles: { used: 1, max: 1 },
    cards: { used: 12, max: 500 },
    groups: { used: 0, max: 1 },
    messages: quota(),
    card_generation: quota({ max: 20 }),
    voice: quota({ max: 10 }),
    exercises: quota({ max: 30 }),
    ...overrides,
  };
}

export function me(overrides: Partial<Me> = {}): Me {
  return {
    user,
    plan: { name: 'free', premium_until: null, trial_available: true, trial_days: 7 },
    limits: limits(),
    features: { llm: true, speech: true },
    active_profile_id: 'p-en',
    is_admin: false,
    ...overrides,
  };
}

/**
 * Me as a server from before the LLM features answers it: no `features` and no LLM quotas.
 * No longer the contract, so not typed as Me; the app still renders it.
 */
export function olderServerMe(): unknown {
  const { features: _features, ...rest } = me();
  return { ...rest, limits: { profiles: rest.limits.profiles } };
}

export function page<T>(data: T[]) {
  return { data, pagination: { limit: 50, offset: 0, total: data.length, has_more: false } };
}

export function deck(overrides: Partial<Deck> = {}): Deck {
  return {
    id: 'd-main',
    profile_id: 'p-en',
    name: 'Мои слова',
    description: null,
    is_default: true,
    archived_at: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    counts: { new: 0, learning: 0, due: 0, waiting: 0, total: 0 },
    ...overrides,
  };
}

export function card(overrides: Partial<Card> = {}): Card {
  return {
    id: 'c-1',
    deck_id: 'd-main',
    profile_id: 'p-en',
    front: 'dog',
    back: 'собака',
    lemma: null,
    part_of_speech: null,
    gender: null,
    forms: null,
    transcription: null,
    example: null,
    example_translation: null,
    notes: null,
    source: 'manual',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    progress: null,
    ...overrides,
  };
}

export function queueItem(c: Card): QueueItem {
  return { card: c, intervals: { again: 60, hard: 330, good: 600, easy: 259_200 } };
}

export function studyQueue(cards: Card[], overrides: Partial<StudyQueue> = {}): StudyQueue {
  return {
    cards: cards.map(queueItem),
    counts: { new: cards.length, learning: 0, due: 0, waiting: 0 },
    day: { date: '2026-11-27', ends_at: '2100-01-01T01:00:00Z' },
    rating_buttons: 3,
    ...overrides,
  };
}

export function progress(state: CardProgress['state'], due: string): CardProgress {
  return { state, due, stability: 1, difficulty: 5, reps: 1, lapses: 0, last_review: null };
}

export function reviewResult(cardId: string, state: CardProgress['state'], due: string): ReviewResult {
  return {
    card_id: cardId,
    progress: progress(state, due),
    scheduled_seconds: 60,
    counts: { new: 0, learning: 0, due: 0, waiting: 0 },
  };
}

export function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm-1',
    profile_id: 'p-en',
    role: 'user',
    content: 'Как сказать «дом»?',
    channel: 'miniapp',
    created_at: '2026-11-27T10:00:00Z',
    words: [],
    ...overrides,
  };
}

export function chatReply(user: Message, assistant: Message, overrides: Partial<ChatReply> = {}): ChatReply {
  return { user_message: user, assistant_message: assistant, quota: quota({ used: 1 }), ...overrides };
}

export function dialogPage(data: Message[], nextBefore: string | null = null) {
  return { data, pagination: { limit: 20, has_more: nextBefore !== null, next_before: nextBefore } };
}

export function wordResult(word: string, status: WordResult['status'], overrides: Partial<WordResult> = {}): WordResult {
  return {
    word,
    status,
    card: status === 'failed' ? null : card({ id: `c-${word}`, front: word, back: `перевод ${word}` }),
    error: status === 'failed' ? { code: 'LLM_SERVICE_ERROR', message: 'provider failed', reason: 'unavailable' } : null,
    ...overrides,
  };
}

export function generateReport(results: WordResult[], overrides: Partial<GenerateReport> = {}): GenerateReport {
  const count = (status: WordResult['status']) => results.filter((r) => r.status === status).length;
  return {
    results,
    created: count('created'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    quota: quota({ used: count('created'), max: 20 }),
    ...overrides,
  };
}

export function topic(overrides: Partial<Topic> = {}): Topic {
  return {
    id: 't-past',
    profile_id: 'p-en',
    name: 'Past Simple',
    description: 'Прошедшее время: правильные и неправильные глаголы',
    kind: 'grammar',
    is_active: true,
    archived: false,
    stats: { attempts: 0, correct: 0, partial: 0, accuracy: null, last_practised_at: null },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

/** A topic practised `attempts` times with that accuracy. */
export function practised(t: Topic, attempts: number, accuracy: number): Topic {
  const correct = Math.round(attempts * accuracy);
  return {
    ...t,
    stats: { attempts, correct, partial: 0, accuracy, last_practised_at: '2026-11-27T10:00:00Z' },
  };
}

export function exercise(overrides: Partial<Exercise> = {}): Exercise {
  return {
    id: 'e-1',
    topic_id: 't-past',
    kind: 'translate',
    question: 'Переведите на английский',
    prompt: 'Вчера я купил хлеб.',
    options: null,
    expires_at: '2100-01-01T00:00:00Z',
    ...overrides,
  };
}

export function choiceExercise(overrides: Partial<Exercise> = {}): Exercise {
  return exercise({
    id: 'e-choice',
    kind: 'multiple_choice',
    question: 'Выберите правильную форму',
    prompt: 'She ___ to school yesterday.',
    options: ['go', 'goes', 'went', 'gone'],
    ...overrides,
  });
}

export function exerciseBatch(exercises: Exercise[], overrides: Partial<ExerciseBatch> = {}): ExerciseBatch {
  return { topic: topic(), difficulty: 'medium', exercises, quota: quota({ used: exercises.length, max: 30 }), ...overrides };
}

export function submitResult(overrides: Partial<SubmitResult> = {}): SubmitResult {
  return {
    exercise_id: 'e-1',
    result: 'correct',
    correct_answer: 'Yesterday I bought bread.',
    explanation: 'Past Simple: buy → bought.',
    mistakes: [],
    alternatives: [],
    used_hint: false,
    user_answer: 'Yesterday I bought bread.',
    words: [],
    topic: topic(),
    ...overrides,
  };
}

export function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    id: 'a-1',
    topic_id: 't-past',
    topic_name: 'Past Simple',
    kind: 'translate',
    question: 'Переведите на английский',
    prompt: 'Вчера я купил хлеб.',
    options: null,
    correct_answer: 'Yesterday I bought bread.',
    user_answer: 'Yesterday I buyed bread.',
    result: 'incorrect',
    explanation: 'Buy is irregular: bought.',
    mistakes: [{ type: 'grammar', text: 'buyed', suggestion: 'bought' }],
    used_hint: false,
    duration_ms: 12_000,
    completed_at: '2026-11-27T10:00:00Z',
    ...overrides,
  };
}

export function streak(overrides: Partial<Streak> = {}): Streak {
  return {
    current: 3,
    best: 7,
    active_days: 12,
    today_done: false,
    today: '2026-11-27',
    safe_until: '2026-11-28T01:00:00Z',
    ...overrides,
  };
}

function levelOf(actions: number): ActivityLevel {
  if (actions === 0) return 'none';
  return actions < 10 ? 'low' : actions < 30 ? 'medium' : 'high';
}

/** `weeks` whole weeks, Monday first, up to `to` (a Friday by default), with the given actions. */
export function calendar(actions: Record<string, number> = {}, to = '2026-11-27', weeks = 12): Calendar {
  const end = Date.parse(`${to}T00:00:00Z`);
  const weekday = (new Date(end).getUTCDay() + 6) % 7;
  const start = end - (weekday + (weeks - 1) * 7) * 86_400_000;
  const days: Calendar['days'] = [];
  for (let at = start; at <= end; at += 86_400_000) {
    const date = new Date(at).toISOString().slice(0, 10);
    const n = actions[date] ?? 0;
    days.push({ date, actions: n, level: levelOf(n) });
  }
  return { from: days[0]?.date ?? to, to, days };
}

export function stats(overrides: Partial<Stats> = {}): Stats {
  return {
    period: 'week',
    from: '2026-11-21',
    to: '2026-11-27',
    reviews: { total: 40, again: 4, hard: 6, good: 25, easy: 5 },
    retention: 0.875,
    cards: { new: 10, learning: 3, review: 20, relearning: 1, total: 34 },
    exercises: {
      attempts: 9,
      correct: 5,
      partial: 2,
      accuracy: 0.667,
      by_topic: [
        { topic_id: 't-past', name: 'Past Simple', attempts: 5, correct: 4, partial: 0, accuracy: 0.8 },
        { topic_id: 't-food', name: 'Еда', attempts: 3, correct: 1, partial: 1, accuracy: 0.5 },
        { topic_id: null, name: null, attempts: 1, correct: 0, partial: 1, accuracy: 0.5 },
      ],
    },
    time_spent_seconds: 5_100,
    days: [
      { date: '2026-11-23', reviews: 15, exercises: 4, cards_added: 2, seconds: 1_800 },
      { date: '2026-11-25', reviews: 20, exercises: 5, cards_added: 0, seconds: 2_400 },
      { date: '2026-11-27', reviews: 5, exercises: 0, cards_added: 1, seconds: 900 },
    ],
    ...overrides,
  };
}

export function notification(overrides: Partial<AppNotification> = {}): AppNotification {
  return {
    id: 'n-1',
    kind: 'streak_reminder',
    title: 'Пора позаниматься',
    body: 'Серия 3 дня — не прерывайте её.',
    payload: null,
    read_at: null,
    created_at: '2026-11-27T16:00:00Z',
    ...overrides,
  };
}

export function notificationPage(data: AppNotification[], overrides: Partial<NotificationPage> = {}): NotificationPage {
  return {
    data,
    pagination: { limit: 20, offset: 0, total: data.length, has_more: false },
    unread: data.filter((n) => !n.read_at).length,
    ...overrides,
  };
}
