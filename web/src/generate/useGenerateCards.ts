import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiError, NETWORK_ERROR, isApiError } from '../api/errors';
import { isAbortError, streamError } from '../api/sse';
import type { GenerateReport, Me, Quota } from '../api/types';
import { currentQuota, quotaFromDetails } from '../domain/quota';
import { queryKeys, rememberLlmUnavailable, useMe } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import {
  IN_PROGRESS_DELAYS_MS,
  clearPendingRun,
  isInProgress,
  isProgress,
  isReport,
  isWordResult,
  loadPendingRun,
  newRun,
  pause,
  retriesSameKey,
  savePendingRun,
  withProgress,
  withResults,
  type PendingRun,
  type Run,
} from './generateRun';

/**
 * Card generation into one deck: the run being shown (streamed `word`/`progress` frames, then
 * the report), the generation quota, and a run left midway on an earlier visit. Leaving the
 * screen aborts the stream; the server finishes the run and keeps its result under the
 * Idempotency-Key, which stays in sessionStorage so that "show the result" can ask for it.
 */
export function useGenerateCards(deckId: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  const me = useMe();
  const [run, setRun] = useState<Run | null>(null);
  const [pending, setPending] = useState<PendingRun | null>(() => loadPendingRun(deckId));
  /** The latest generation quota the server reported (a report, a 429); Me's until then. */
  const [quota, setQuota] = useState<Quota | undefined>(undefined);
  const abort = useRef<AbortController | null>(null);

  useEffect(
    () => () => {
      abort.current?.abort();
    },
    [],
  );

  const rememberQuota = (next: Quota) => {
    setQuota(next);
    queryClient.setQueryData<Me>(queryKeys.me, (data) =>
      data ? { ...data, limits: { ...data.limits, card_generation: next } } : data,
    );
  };

  const refreshCards = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.decks });
    void queryClient.invalidateQueries({ queryKey: queryKeys.cards });
  };

  /**
   * Streams the generation of `words` under `key`. `sameKey` says an earlier request used the
   * key (a retry, "show the result"): the server then replays the stored result, or answers
   * 409 in_progress while the first still runs, which is asked again a few times. Resolves
   * with the report, or null when it failed or was aborted.
   */
  const generate = async (words: string[], key: string, sameKey = false): Promise<GenerateReport | null> => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const outcome: { report: GenerateReport | null; failure: ApiError | null } = { report: null, failure: null };
    savePendingRun(deckId, { words, key });
    setPending(null);
    setRun(newRun(words, key));
    const send = () =>
      api.generateCards(client, { deck_id: deckId, words }, key, {
        signal: controller.signal,
        onEvent: (event, data) => {
          if (event === 'word' && isWordResult(data)) {
            setRun((current) => current && withResults(current, [data]));
          } else if (event === 'progress' && isProgress(data)) {
            setRun((current) => current && withProgress(current, data));
          } else if (event === 'done' && isReport(data)) {
            outcome.report = data;
          } else if (event === 'error') {
            outcome.failure = streamError(data);
          }
        },
      });
    try {
      let body: unknown;
      for (let attempt = 0; ; attempt += 1) {
        try {
          body = await send();
          break;
        } catch (error) {
          const delay = IN_PROGRESS_DELAYS_MS[attempt];
          if (!sameKey || !isInProgress(error) || delay === undefined) throw error;
          await pause(delay, controller.signal);
        }
      }
      if (isReport(body)) outcome.report = body;
      if (outcome.failure) throw outcome.failure;
      const report = outcome.report;
      if (!report) throw new ApiError(0, NETWORK_ERROR, 'The generation stream ended before its report');
      clearPendingRun(deckId, key);
      setRun((current) => current && { ...withResults(current, report.results), report, phase: 'done' });
      if (report.quota) rememberQuota(report.quota);
      refreshCards();
      haptics.notification(report.failed > 0 ? 'warning' : 'success');
      return report;
    } catch (error) {
      // Left the screen (or superseded): the server goes on, and its result stays offered
      // for "show the result". The cards are refreshed when that later request completes,
      // not now, while they are still being made.
      if (isAbortError(error)) return null;
      haptics.notification('error');
      // A lost connection or a run still going keeps the key for Retry; anything else is
      // final (a refused or failed request releases its key on the server).
      if (!retriesSameKey(error)) clearPendingRun(deckId, key);
      const details = isApiError(error) ? error.details : undefined;
      const exceeded = isApiError(error) && error.code === 'QUOTA_EXCEEDED' ? quotaFromDetails(details) : undefined;
      if (exceeded) rememberQuota(exceeded);
      if (isApiError(error) && error.code === 'LLM_NOT_CONFIGURED') rememberLlmUnavailable(queryClient);
      // 502 when every word failed: the per-word reasons come in details.results.
      const partial = Array.isArray(details?.results) ? details.results.filter(isWordResult) : [];
      setRun((current) => current && { ...withResults(current, partial), phase: 'failed', error });
      // Some cards may exist even after a failure.
      refreshCards();
      return null;
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  /** Sends the failed run again: under the same key after a lost connection, else afresh. */
  const retry = (): Promise<GenerateReport | null> => {
    if (!run) return Promise.resolve(null);
    const same = retriesSameKey(run.error);
    return generate(run.words, same ? run.key : crypto.randomUUID(), same);
  };

  /** Asks for the result of the run left midway, with its own words and key. */
  const showPending = (): Promise<GenerateReport | null> => {
    if (!pending) return Promise.resolve(null);
    haptics.impact('light');
    return generate(pending.words, pending.key, true);
  };

  const dismissPending = () => {
    clearPendingRun(deckId);
    setPending(null);
  };

  return {
    run,
    /** Clears the results shown (the failed words go back into the form). */
    clearRun: () => setRun(null),
    running: run?.phase === 'running',
    generate,
    retry,
    pending,
    showPending,
    dismissPending,
    /** This screen's own copy until its day is over, then Me's. */
    quota: currentQuota(quota, me.data?.limits.card_generation),
  };
}
