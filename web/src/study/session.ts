import type { QueueItem, Rating, ReviewResult, StudyCounts, StudyQueue, UndoResult } from '../api/types';

/**
 * The study session as a pure state machine; useStudySession performs the requests.
 *
 * The server's queue is the source of truth for what comes next: the local list is the last
 * fetched queue minus the cards answered since. A card that a learning step brings back
 * within the study day waits in `waiting` until its due time, then the queue is fetched
 * again so that the card returns with intervals computed for its new state.
 */
export type Phase =
  | 'loading' // fetching the queue (first load, list ran out, or a waiting card fell due)
  | 'question' // front shown
  | 'answer' // back shown, rating buttons enabled
  | 'waiting' // only learning cards left, none due yet
  | 'done'
  | 'error'; // the queue could not be fetched

export interface Answer {
  item: QueueItem;
  rating: Rating;
  result: ReviewResult;
  /** The session's counts before this answer, restored by undo. */
  countsBefore: StudyCounts | null;
}

export interface Waiting {
  cardId: string;
  due: string;
}

export interface SessionState {
  phase: Phase;
  items: QueueItem[];
  waiting: Waiting[];
  answers: Answer[];
  ratingButtons: 3 | 4;
  dayEndsAt: string | null;
  counts: StudyCounts | null;
  /** When the first card was shown; null until then. */
  startedAt: number | null;
  finishedAt: number | null;
  /** When the current card appeared, for the review's duration_ms. */
  shownAt: number;
  loadError: unknown;
}

export type SessionEvent =
  | { type: 'queueLoaded'; queue: StudyQueue; now: number }
  | { type: 'loadFailed'; error: unknown }
  | { type: 'reload' }
  | { type: 'flipped' }
  | { type: 'answered'; rating: Rating; result: ReviewResult; now: number }
  | { type: 'undone'; result: UndoResult; now: number }
  | { type: 'tick'; now: number }
  | { type: 'finished'; now: number };

export function initialSession(ratingButtons: 3 | 4 = 3): SessionState {
  return {
    phase: 'loading',
    items: [],
    waiting: [],
    answers: [],
    ratingButtons,
    dayEndsAt: null,
    counts: null,
    startedAt: null,
    finishedAt: null,
    shownAt: 0,
    loadError: null,
  };
}

export function currentItem(state: SessionState): QueueItem | undefined {
  return state.phase === 'question' || state.phase === 'answer' ? state.items[0] : undefined;
}

/** Cards still to be answered in this session, learning cards coming back included. */
export function remaining(state: SessionState): number {
  const inList = new Set(state.items.map((item) => item.card.id));
  return state.items.length + state.waiting.filter((w) => !inList.has(w.cardId)).length;
}

/**
 * What is left to study today in the session's scope (the deck, or every deck): new +
 * learning + due, the same figure as the deck's Study button and Home's total. It moves with
 * every answer; before the queue is known it is the cards in hand.
 */
export function leftToday(state: SessionState): number {
  if (!state.counts) return remaining(state);
  return state.counts.new + state.counts.learning + state.counts.due;
}

const LEARNING_STATES: readonly string[] = ['learning', 'relearning'];

/**
 * The counts after answering `item` with `result`, as the server counts them: the card
 * leaves the number it was in (new, learning or due) and joins learning while a step keeps it
 * today, or due when it is due again before the day ends. Computed here because the review's
 * own counts cover the whole profile, and a session may be one deck.
 */
export function countsAfter(
  counts: StudyCounts,
  item: QueueItem,
  result: ReviewResult,
  dayEndsAt: string | null,
): StudyCounts {
  const next = { ...counts };
  const before = item.card.progress?.state ?? 'new';
  if (before === 'new') next.new = Math.max(0, next.new - 1);
  else if (LEARNING_STATES.includes(before)) next.learning = Math.max(0, next.learning - 1);
  else if (before === 'review') next.due = Math.max(0, next.due - 1);
  const after = result.progress;
  if (after && LEARNING_STATES.includes(after.state)) next.learning += 1;
  else if (after?.state === 'review' && (dayEndsAt === null || time(after.due) < time(dayEndsAt))) next.due += 1;
  return next;
}

/** The contract's `rating_buttons` is an integer, 3 (Again/Hard/Good) or 4 (with Easy). */
export function ratingButtonsOf(count: number): 3 | 4 {
  return count === 3 ? 3 : 4;
}

function time(iso: string): number {
  return new Date(iso).getTime();
}

function earliestWaiting(waiting: Waiting[]): Waiting | undefined {
  return waiting.reduce<Waiting | undefined>(
    (first, w) => (first === undefined || time(w.due) < time(first.due) ? w : first),
    undefined,
  );
}

/** The due time of the next learning card coming back today, if any. */
export function nextWaitingDue(state: SessionState): string | undefined {
  return earliestWaiting(state.waiting)?.due;
}

/** What follows an answer or a loaded queue: a card, a fetch, waiting or the end. */
function advance(state: SessionState, now: number): SessionState {
  const next = earliestWaiting(state.waiting);
  const waitingDue = next !== undefined && time(next.due) <= now;
  if (state.items.length === 0 || waitingDue) {
    // The list ran out, or a learning card is back: ask the server what comes next.
    return { ...state, phase: 'loading' };
  }
  return { ...state, phase: 'question', shownAt: now };
}

function settle(state: SessionState, now: number): SessionState {
  if (state.items.length > 0) {
    return { ...state, phase: 'question', shownAt: now, startedAt: state.startedAt ?? now };
  }
  if (state.waiting.length > 0) return { ...state, phase: 'waiting' };
  return { ...state, phase: 'done', finishedAt: now };
}

/** The due time of an answered card that a learning step brings back within the study day. */
function dueBackToday(result: ReviewResult, dayEndsAt: string | null): string | undefined {
  if (!result.progress) return undefined;
  const { state, due } = result.progress;
  if (state !== 'learning' && state !== 'relearning') return undefined;
  return dayEndsAt === null || time(due) < time(dayEndsAt) ? due : undefined;
}

export function sessionReducer(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'queueLoaded': {
      const { queue, now } = event;
      const fetched = new Set(queue.cards.map((item) => item.card.id));
      const loaded: SessionState = {
        ...state,
        items: queue.cards,
        // A waiting card in the fetched queue is due again and now comes from the list.
        waiting: state.waiting.filter((w) => !fetched.has(w.cardId)),
        ratingButtons: ratingButtonsOf(queue.rating_buttons),
        dayEndsAt: queue.day.ends_at,
        counts: queue.counts,
        loadError: null,
      };
      return settle(loaded, now);
    }
    case 'loadFailed':
      return { ...state, phase: 'error', loadError: event.error };
    case 'reload':
      return { ...state, phase: 'loading', loadError: null, finishedAt: null };
    case 'flipped':
      return state.phase === 'question' ? { ...state, phase: 'answer' } : state;
    case 'answered': {
      const [item, ...rest] = state.items;
      if (!item || item.card.id !== event.result.card_id) return state;
      const waiting = state.waiting.filter((w) => w.cardId !== item.card.id);
      const due = dueBackToday(event.result, state.dayEndsAt);
      if (due !== undefined) waiting.push({ cardId: item.card.id, due });
      return advance(
        {
          ...state,
          items: rest,
          waiting,
          counts: state.counts && countsAfter(state.counts, item, event.result, state.dayEndsAt),
          answers: [...state.answers, { item, rating: event.rating, result: event.result, countsBefore: state.counts }],
        },
        event.now,
      );
    }
    case 'undone': {
      const last = state.answers.at(-1);
      if (!last || last.item.card.id !== event.result.card_id) return state;
      const cardId = last.item.card.id;
      // The card is back as it was before the answer, face up, ahead of everything else.
      return {
        ...state,
        phase: 'answer',
        items: [last.item, ...state.items.filter((item) => item.card.id !== cardId)],
        waiting: state.waiting.filter((w) => w.cardId !== cardId),
        answers: state.answers.slice(0, -1),
        counts: last.countsBefore ?? state.counts,
        finishedAt: null,
        shownAt: event.now,
      };
    }
    case 'tick': {
      const next = earliestWaiting(state.waiting);
      if (state.phase === 'waiting' && next && time(next.due) <= event.now) {
        return { ...state, phase: 'loading' };
      }
      return state;
    }
    case 'finished':
      return { ...state, phase: 'done', finishedAt: state.finishedAt ?? event.now };
  }
}

export interface SessionSummary {
  reviewed: number;
  /** Share of answers not rated Again, 0–1; null before any answer. */
  accuracy: number | null;
  durationMs: number;
  /** The earliest due time among the cards answered in this session. */
  nextDue: string | null;
}

export function summaryOf(state: SessionState, now: number): SessionSummary {
  const reviewed = state.answers.length;
  const correct = state.answers.filter((a) => a.rating !== 1).length;
  // Each card's latest answer decides when it is due next.
  const latestDue = new Map<string, string>();
  for (const answer of state.answers) {
    const due = answer.result.progress?.due;
    if (due === undefined) latestDue.delete(answer.item.card.id);
    else latestDue.set(answer.item.card.id, due);
  }
  let nextDue: string | null = null;
  for (const due of latestDue.values()) {
    if (nextDue === null || time(due) < time(nextDue)) nextDue = due;
  }
  const end = state.finishedAt ?? now;
  return {
    reviewed,
    accuracy: reviewed === 0 ? null : correct / reviewed,
    durationMs: state.startedAt === null ? 0 : Math.max(0, end - state.startedAt),
    nextDue,
  };
}

/** True once something was answered and the session has not ended: leaving needs a confirm. */
export function inProgress(state: SessionState): boolean {
  return state.answers.length > 0 && state.phase !== 'done';
}
