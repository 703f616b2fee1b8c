import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Rating } from '../api/types';
import { queryKeys } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { initialSession, sessionReducer, type SessionState } from './session';

/** How often the waiting screen checks whether a learning card is due again. */
const WAITING_TICK_MS = 5_000;
/** How often the waiting screen asks the server whether a card is due (clock skew). */
const WAITING_POLL_MS = 10_000;

interface PendingReview {
  cardId: string;
  rating: Rating;
  clientReviewId: string;
  durationMs: number;
}

export interface StudySession {
  state: SessionState;
  flip: () => void;
  rate: (rating: Rating) => void;
  /** Sends the failed answer again under the same client_review_id. */
  retryRate: () => void;
  undo: () => void;
  finish: () => void;
  reload: () => void;
  busy: boolean;
  actionError: unknown;
}

function newReviewId(): string {
  return crypto.randomUUID();
}

/** Runs a study session over GET /api/study/queue, optionally limited to one deck. */
export function useStudySession(deckId: string | undefined, initialButtons: 3 | 4): StudySession {
  const client = useApi();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(sessionReducer, initialButtons, initialSession);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const pending = useRef<PendingReview | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    if (state.phase !== 'loading') return undefined;
    let alive = true;
    api.studyQueue(client, deckId).then(
      (queue) => alive && dispatch({ type: 'queueLoaded', queue, now: Date.now() }),
      (error: unknown) => alive && dispatch({ type: 'loadFailed', error }),
    );
    return () => {
      alive = false;
    };
  }, [state.phase, client, deckId]);

  useEffect(() => {
    if (state.phase !== 'waiting') return undefined;
    const tick = window.setInterval(() => dispatch({ type: 'tick', now: Date.now() }), WAITING_TICK_MS);
    // The device clock may run behind the server's; asking quietly now and then lets a card
    // the server already considers due come back without a loading flash.
    let alive = true;
    const poll = window.setInterval(() => {
      api.studyQueue(client, deckId).then(
        (queue) => {
          if (alive && queue.cards.length > 0) dispatch({ type: 'queueLoaded', queue, now: Date.now() });
        },
        () => undefined,
      );
    }, WAITING_POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(tick);
      window.clearInterval(poll);
    };
  }, [state.phase, client, deckId]);

  useEffect(() => {
    if (state.phase === 'done') {
      haptics.notification('success');
      // Deck counts and Home's study total changed with every answer.
      void queryClient.invalidateQueries({ queryKey: queryKeys.decks });
      void queryClient.invalidateQueries({ queryKey: queryKeys.cards });
    }
  }, [state.phase, queryClient]);

  const send = useCallback(
    (review: PendingReview) => {
      setBusy(true);
      setActionError(null);
      api
        .review(client, {
          card_id: review.cardId,
          rating: review.rating,
          duration_ms: Math.min(review.durationMs, 3_600_000),
          client_review_id: review.clientReviewId,
        })
        .then(
          (result) => {
            pending.current = null;
            dispatch({ type: 'answered', rating: review.rating, result, now: Date.now() });
          },
          (error: unknown) => {
            setActionError(error);
            haptics.notification('error');
          },
        )
        .finally(() => setBusy(false));
    },
    [client],
  );

  const rate = useCallback(
    (rating: Rating) => {
      const current = stateRef.current;
      const item = current.items[0];
      // After a failed send only retryRate may answer: the first attempt may have been saved.
      if (current.phase !== 'answer' || !item || busy || pending.current) return;
      if (rating === 4 && current.ratingButtons !== 4) return;
      haptics.impact(rating === 1 ? 'heavy' : 'medium');
      const review: PendingReview = {
        cardId: item.card.id,
        rating,
        // A fresh id per answer; a retry of the same answer reuses it (retryRate).
        clientReviewId: newReviewId(),
        durationMs: Math.max(0, Date.now() - current.shownAt),
      };
      pending.current = review;
      send(review);
    },
    [busy, send],
  );

  const retryRate = useCallback(() => {
    if (pending.current && !busy) send(pending.current);
  }, [busy, send]);

  const flip = useCallback(() => {
    if (stateRef.current.phase !== 'question') return;
    haptics.impact('light');
    dispatch({ type: 'flipped' });
  }, []);

  const undo = useCallback(() => {
    if (busy || stateRef.current.answers.length === 0) return;
    setBusy(true);
    setActionError(null);
    pending.current = null;
    api
      .undo(client)
      .then(
        (result) => {
          haptics.impact('light');
          dispatch({ type: 'undone', result, now: Date.now() });
        },
        (error: unknown) => setActionError(error),
      )
      .finally(() => setBusy(false));
  }, [busy, client]);

  const finish = useCallback(() => dispatch({ type: 'finished', now: Date.now() }), []);
  const reload = useCallback(() => dispatch({ type: 'reload' }), []);

  return { state, flip, rate, retryRate, undo, finish, reload, busy, actionError };
}
