import { vi } from 'vitest';
import type {
  Card,
  CardProgress,
  Deck,
  Me,
  Profile,
  QueueItem,
  ReviewResult,
  Session,
  StudyQueue,
  User,
} from '../api/types';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters (routes match on the path alone). */
  query: Record<string, string>;
  /** JSON bodies parsed; any other text (an imported file) as it was sent. */
  body: unknown;
  contentType: string | null;
  authorization: string | null;
}

function parseBody(body: BodyInit | null | undefined): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

type Handler = (request: RecordedRequest) => { status?: number; body?: unknown } | undefined;

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
      contentType: headers.get('content-type'),
      authorization: headers.get('authorization'),
    };
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    const result = handler?.(request) ?? {
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no route', request_id: 'req-404' } },
    };
    const status = result.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(result.body ?? null), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { fetchFn: fetchFn as unknown as typeof fetch, requests };
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

export function me(overrides: Partial<Me> = {}): Me {
  return {
    user,
    plan: { name: 'free', premium_until: null },
    limits: { profiles: { used: 1, max: 1 } },
    active_profile_id: 'p-en',
    ...overrides,
  };
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
    counts: { new: 0, learning: 0, due: 0, total: 0 },
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
    counts: { new: cards.length, learning: 0, due: 0 },
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
    counts: { new: 0, learning: 0, due: 0 },
  };
}
