import { describe, expect, it } from 'vitest';
import { card, reviewResult, studyQueue } from '../test/apiStub';
import {
  currentItem,
  inProgress,
  initialSession,
  ratingButtonsOf,
  remaining,
  sessionReducer,
  summaryOf,
  type SessionEvent,
  type SessionState,
} from './session';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const a = card({ id: 'a', front: 'a' });
const b = card({ id: 'b', front: 'b' });
const c = card({ id: 'c', front: 'c' });
const dayEnd = '2026-11-28T01:00:00Z';

function run(events: SessionEvent[], start: SessionState = initialSession()): SessionState {
  return events.reduce(sessionReducer, start);
}

const load = (cards = [a, b, c], now = T0): SessionEvent => ({
  type: 'queueLoaded',
  queue: studyQueue(cards, { day: { date: '2026-11-27', ends_at: dayEnd } }),
  now,
});
const answer = (id: string, rating: 1 | 2 | 3 | 4, state: 'learning' | 'review', due: string, now: number): SessionEvent => ({
  type: 'answered',
  rating,
  result: reviewResult(id, state, due),
  now,
});

describe('study session', () => {
  it('shows the queue in server order, front first, then the back', () => {
    let state = run([load()]);
    expect(state.phase).toBe('question');
    expect(currentItem(state)?.card.id).toBe('a');
    expect(remaining(state)).toBe(3);
    state = sessionReducer(state, { type: 'flipped' });
    expect(state.phase).toBe('answer');
    state = sessionReducer(state, answer('a', 3, 'review', at(86_400 * 3), T0 + 5_000));
    expect(currentItem(state)?.card.id).toBe('b');
    expect(state.phase).toBe('question');
    expect(remaining(state)).toBe(2);
  });

  it('keeps a card that a learning step brings back today, and refetches when it is due', () => {
    let state = run([load(), { type: 'flipped' }, answer('a', 1, 'learning', at(60), T0 + 5_000)]);
    // "a" waits for its step; "b" and "c" are still to come.
    expect(state.waiting).toEqual([{ cardId: 'a', due: at(60) }]);
    expect(remaining(state)).toBe(3);
    state = run([{ type: 'flipped' }, answer('b', 3, 'review', at(86_400), T0 + 30_000)], state);
    expect(currentItem(state)?.card.id).toBe('c');
    state = run([{ type: 'flipped' }, answer('c', 3, 'review', at(86_400), T0 + 40_000)], state);
    // The list ran out while "a" is not due yet: ask the server, then wait for it.
    expect(state.phase).toBe('loading');
    state = sessionReducer(state, load([], T0 + 41_000));
    expect(state.phase).toBe('waiting');
    expect(remaining(state)).toBe(1);
    state = sessionReducer(state, { type: 'tick', now: T0 + 61_000 });
    expect(state.phase).toBe('loading');
    state = sessionReducer(state, load([a], T0 + 62_000));
    expect(currentItem(state)?.card.id).toBe('a');
    expect(state.waiting).toEqual([]);
    expect(remaining(state)).toBe(1);
  });

  it('asks the server again as soon as a waiting card is due, even with cards left', () => {
    let state = run([load(), { type: 'flipped' }, answer('a', 1, 'learning', at(60), T0 + 5_000)]);
    state = run([{ type: 'flipped' }, answer('b', 3, 'review', at(86_400), T0 + 70_000)], state);
    expect(state.phase).toBe('loading');
    // The server puts the learning card before the rest.
    state = sessionReducer(state, load([a, c], T0 + 71_000));
    expect(state.items.map((item) => item.card.id)).toEqual(['a', 'c']);
    expect(state.waiting).toEqual([]);
  });

  it('waits for a learning card that is not due yet, then fetches it', () => {
    let state = run([load([a]), { type: 'flipped' }, answer('a', 2, 'learning', at(330), T0 + 5_000)]);
    expect(state.phase).toBe('loading');
    state = sessionReducer(state, load([], T0 + 6_000));
    expect(state.phase).toBe('waiting');
    expect(remaining(state)).toBe(1);
    state = sessionReducer(state, { type: 'tick', now: T0 + 100_000 });
    expect(state.phase).toBe('waiting');
    state = sessionReducer(state, { type: 'tick', now: T0 + 331_000 });
    expect(state.phase).toBe('loading');
  });

  it('does not bring back a card whose next step falls after the day ends', () => {
    const state = run([load([a]), { type: 'flipped' }, answer('a', 3, 'learning', '2026-11-28T02:00:00Z', T0 + 5_000)]);
    expect(state.waiting).toEqual([]);
    expect(sessionReducer(state, load([], T0 + 6_000)).phase).toBe('done');
  });

  it('undo puts the previous card back face up and forgets its answer', () => {
    let state = run([load(), { type: 'flipped' }, answer('a', 1, 'learning', at(60), T0 + 5_000)]);
    expect(inProgress(state)).toBe(true);
    state = sessionReducer(state, { type: 'undone', result: { card_id: 'a', progress: null }, now: T0 + 8_000 });
    expect(state.phase).toBe('answer');
    expect(currentItem(state)?.card.id).toBe('a');
    expect(state.items.map((item) => item.card.id)).toEqual(['a', 'b', 'c']);
    expect(state.waiting).toEqual([]);
    expect(state.answers).toEqual([]);
    expect(inProgress(state)).toBe(false);
  });

  it('undo after the end reopens the session on the last card', () => {
    let state = run([load([a]), { type: 'flipped' }, answer('a', 3, 'review', at(86_400), T0 + 5_000), load([], T0 + 6_000)]);
    expect(state.phase).toBe('done');
    state = sessionReducer(state, { type: 'undone', result: { card_id: 'a', progress: null }, now: T0 + 9_000 });
    expect(state.phase).toBe('answer');
    expect(state.finishedAt).toBeNull();
  });

  it('sums up answers, accuracy, time and the next due card', () => {
    const state = run([
      load([a, b]),
      { type: 'flipped' },
      answer('a', 1, 'learning', at(60), T0 + 10_000),
      { type: 'flipped' },
      answer('b', 3, 'review', at(86_400 * 3), T0 + 20_000),
      load([a], T0 + 70_000),
      { type: 'flipped' },
      answer('a', 3, 'review', at(86_400), T0 + 80_000),
      load([], T0 + 81_000),
    ]);
    expect(state.phase).toBe('done');
    expect(summaryOf(state, T0 + 999_000)).toEqual({
      reviewed: 3,
      accuracy: 2 / 3,
      durationMs: 81_000,
      // "a" is due again in a day (its latest answer), "b" in three.
      nextDue: at(86_400),
    });
  });

  it('takes an answer without progress (the contract allows null) as not coming back', () => {
    const state = run([
      load([a, b]),
      { type: 'flipped' },
      { type: 'answered', rating: 1, result: { ...reviewResult('a', 'learning', at(60)), progress: null }, now: T0 + 5_000 },
    ]);
    expect(state.waiting).toEqual([]);
    expect(currentItem(state)?.card.id).toBe('b');
    expect(summaryOf(state, T0 + 10_000).nextDue).toBeNull();
  });

  it('shows three rating buttons only when the queue says 3', () => {
    expect(run([load()]).ratingButtons).toBe(3);
    expect(ratingButtonsOf(4)).toBe(4);
    expect(ratingButtonsOf(3)).toBe(3);
  });

  it('ends at once when there is nothing to study', () => {
    const state = run([load([])]);
    expect(state.phase).toBe('done');
    expect(summaryOf(state, T0).accuracy).toBeNull();
  });

  it('ignores an answer for a card that is not the current one', () => {
    const state = run([load(), { type: 'flipped' }]);
    expect(sessionReducer(state, answer('b', 3, 'review', at(60), T0))).toBe(state);
  });
});
